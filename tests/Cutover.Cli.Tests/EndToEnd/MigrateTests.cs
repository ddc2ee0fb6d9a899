using System.Text.Json;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>The main job through the real CLI: copy, re-key, verify, checks, status, idmap.</summary>
public sealed class MigrateTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Source => _dir.File("app.db");

    private string Target => _dir.File("app_v2.db");

    public void Dispose() => _dir.Dispose();

    private string WritePlan(int batch = 500) => _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", batch.ToString(), StringComparison.Ordinal));

    [Fact]
    public void Migrate_SampleWithRekey_CopiesEveryRowAndRewritesForeignKeys()
    {
        Db.CreateSample(Source, parents: 50, childrenPerParent: 20, logs: 300);
        WritePlan();

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("completed", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(50, Db.Count(Target, "sessions"));
        Assert.Equal(1000, Db.Count(Target, "events"));
        Assert.Equal(300, Db.Count(Target, "logs"));
        Assert.Equal(0L, Db.Scalar(Target, "SELECT COUNT(*) FROM sessions WHERE LENGTH(id) <> 26"));
        // Every event follows its own session: same project/created_at pairing as in the source.
        var src = Db.Rows(Source, "SELECT s.created_at, e.kind, e.payload FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id");
        var dst = Db.Rows(Target, "SELECT s.created_at, e.kind, e.body FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id");
        Assert.Equal(src, dst);
        // Rowid-keyed table keeps its rowids.
        Assert.Equal(Db.Rows(Source, "SELECT rowid, line, level FROM logs ORDER BY rowid"), Db.Rows(Target, "SELECT rowid, line, level FROM logs ORDER BY rowid"));
    }

    [Theory]
    [InlineData("none", "not verified: verify: none in the plan", false)]
    [InlineData("counts", "row counts equal (verify: counts)", true)]
    public void Migrate_VerifyModeInThePlan_SkipsOrCountsAndSaysSo(string mode, string verdict, bool verifyPhase)
    {
        Db.CreateSample(Source, parents: 30, childrenPerParent: 10, logs: 20);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal).Replace("batch_size: 100", $"batch_size: 100\nverify: {mode}", StringComparison.Ordinal));

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        var json = CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json");
        var full = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(verdict, r.StdOut, StringComparison.Ordinal);
        Assert.Equal(verifyPhase, r.StdOut.Contains("phase verify", StringComparison.Ordinal));
        Assert.Equal(300, Db.Count(Target, "events"));
        Assert.Contains("\"completed\"", json.StdOut, StringComparison.Ordinal);
        // The verify command always compares checksums, whatever the plan says about migrate.
        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Contains("match", full.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_VerifyCountsWithARowMissingOnTheTarget_FailsWithCountMismatch()
    {
        Db.CreateSample(Source, parents: 30, childrenPerParent: 10, logs: 20);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal).Replace("batch_size: 100", "batch_size: 100\nverify: counts", StringComparison.Ordinal));
        // An empty events table already on the target, with a trigger that drops one row behind Cutover's back.
        Db.Exec(Target, "CREATE TABLE events (id INTEGER PRIMARY KEY, session_id TEXT, kind TEXT, body TEXT, value REAL); CREATE TRIGGER drop_one AFTER INSERT ON events WHEN NEW.id = 7 BEGIN DELETE FROM events WHERE id = 7; END;");

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(5, r.ExitCode);
        Assert.Contains("COUNT_MISMATCH", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("events (row count differs: source 300, target 299)", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_UnknownVerifyMode_IsAPlanErrorAtItsLine()
    {
        Db.CreateSample(Source, parents: 3, childrenPerParent: 1, logs: 1);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal).Replace("batch_size: 100", "batch_size: 100\nverify: sometimes", StringComparison.Ordinal));

        var r = CutoverCli.Run(_dir.Path, "plan", "cutover.yaml");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("cutover.yaml:5:9: 'verify' must be one of checksums | counts | none, not 'sometimes'", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void IdMap_AfterMigrate_ReturnsTheUlidStoredOnTheTarget()
    {
        Db.CreateSample(Source, parents: 5, childrenPerParent: 2, logs: 1);
        WritePlan();
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);
        var oldId = (string)Db.Scalar(Source, "SELECT id FROM sessions ORDER BY created_at LIMIT 1")!;
        var createdAt = (string)Db.Scalar(Source, "SELECT created_at FROM sessions ORDER BY created_at LIMIT 1")!;

        var r = CutoverCli.Run(_dir.Path, "idmap", "cutover.yaml", "sessions", oldId, "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var newId = JsonDocument.Parse(r.StdOut).RootElement.GetProperty("new").GetString()!;
        Assert.Equal(26, newId.Length);
        Assert.Equal(createdAt, (string)Db.Scalar(Target, $"SELECT created_at FROM sessions WHERE id = '{newId}'")!);
        var missing = CutoverCli.Run(_dir.Path, "idmap", "cutover.yaml", "sessions", "no-such-key");
        Assert.Equal(11, missing.ExitCode);
        Assert.Contains("ID_NOT_MAPPED", missing.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AfterTargetIsTampered_NamesTheEntityAndExits5()
    {
        Db.CreateSample(Source, parents: 10, childrenPerParent: 3, logs: 10);
        WritePlan();
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "verify", "cutover.yaml").ExitCode);

        Db.Exec(Target, "UPDATE events SET value = value + 1e-12 WHERE id = 7");
        var r = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--json");

        Assert.Equal(5, r.ExitCode);
        var json = JsonDocument.Parse(r.StdOut).RootElement;
        Assert.False(json.GetProperty("match").GetBoolean());
        Assert.Equal(["events"], json.GetProperty("differing").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Contains("CHECKSUM_MISMATCH", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_Twice_SecondRunSaysNothingToDo()
    {
        Db.CreateSample(Source, parents: 3, childrenPerParent: 1, logs: 1);
        WritePlan();
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);

        var again = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--json");

        Assert.Equal(0, again.ExitCode);
        Assert.True(JsonDocument.Parse(again.StdOut).RootElement.GetProperty("already_complete").GetBoolean());
        Assert.Equal(3, Db.Count(Target, "sessions"));
    }

    [Fact]
    public void Status_Json_ReportsPhaseEntitiesAndRate()
    {
        Db.CreateSample(Source, parents: 20, childrenPerParent: 5, logs: 50);
        WritePlan();
        var none = CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json");
        Assert.Equal("none", JsonDocument.Parse(none.StdOut).RootElement.GetProperty("status").GetString());
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);

        var r = CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var json = JsonDocument.Parse(r.StdOut).RootElement;
        Assert.Equal("completed", json.GetProperty("status").GetString());
        Assert.Equal("complete", json.GetProperty("phase").GetString());
        var entities = json.GetProperty("entities").EnumerateArray().ToList();
        Assert.Equal(["sessions", "events", "logs"], entities.Select(e => e.GetProperty("entity").GetString()!).ToArray());
        Assert.Equal(100, entities[1].GetProperty("rows_done").GetInt64());
        Assert.Equal(100, entities[1].GetProperty("rows_total").GetInt64());
        Assert.Equal(0, json.GetProperty("failures").GetProperty("count").GetInt32());
        Assert.True(json.GetProperty("elapsed_seconds").GetDouble() > 0);
        Assert.Equal(20, json.GetProperty("id_map").GetProperty("sessions").GetInt64());
        Assert.Contains(json.GetProperty("recent_actions").EnumerateArray(), a => a.GetProperty("action").GetString() == "migrate.complete");
    }

    [Fact]
    public void Migrate_FailingCheck_FailsTheRunNamingTheCheck()
    {
        Db.CreateSample(Source, parents: 4, childrenPerParent: 1, logs: 1);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal) + """

              - name: sessions are five
                sql: SELECT COUNT(*) FROM sessions
                expect: 5
            """);

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(6, r.ExitCode);
        Assert.Contains("CHECK_FAILED", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("'sessions are five' expected 5, got 4", r.StdErr, StringComparison.Ordinal);
        // The report still shows what ran: the verification table and every check, passed or not.
        Assert.Matches(@"sessions\s.*\s4\s.*\s4\s.*match", r.StdOut);
        Assert.Contains("check passed: every session has a ULID", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("check FAILED: sessions are five (on target: expected 5, got 4)", r.StdOut, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>Dry runs write nothing, bad rows are recorded not lost, rollback restores, bad plans are explained.</summary>
public sealed class SafetyTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Source => _dir.File("app.db");

    private string Target => _dir.File("app_v2.db");

    private Dictionary<string, (long, DateTime, string)> Snapshot() =>
        Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).ToDictionary(
            f => f,
            f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f), Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))));

    [Fact]
    public void DryRun_WritesNothingAnywhere_AndShowsCounts()
    {
        Db.CreateSample(Source, parents: 10, childrenPerParent: 3, logs: 7);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal));
        var before = Snapshot();

        var dry = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--dry-run");
        var plan = CutoverCli.Run(_dir.Path, "plan", "cutover.yaml");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal(0, plan.ExitCode);
        Assert.Equal(before, Snapshot());
        Assert.False(Directory.Exists(_dir.File(".cutover")));
        Assert.False(File.Exists(Target));
        Assert.Contains("nothing was written", dry.StdOut, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE \"events\"", dry.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"events\s.*\s30\s", dry.StdOut);
    }

    [Fact]
    public void DryRun_AfterInterruptedRun_StillWritesNothing()
    {
        Db.CreateSample(Source, parents: 10, childrenPerParent: 3, logs: 7);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);
        var before = Snapshot();

        var dry = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--dry-run", "--json");
        var rollbackDry = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml", "--dry-run");

        Assert.Equal(0, dry.ExitCode);
        Assert.Equal(0, rollbackDry.ExitCode);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void BadRows_AreRecordedWithKeyAndCode_ThenRetryWritesThemOnceFixed()
    {
        Db.Exec(Source, """
            CREATE TABLE items (id INTEGER PRIMARY KEY, qty TEXT);
            INSERT INTO items VALUES (1, '10'), (2, 'lots'), (3, '30'), (4, 'n/a'), (5, '50');
            """);
        const string plan = """
            name: items
            source: sqlite:./app.db
            target: sqlite:./app_v2.db
            on_error: POLICY
            entities:
              - table: items
                columns:
                  qty: { type: integer }
            """;
        _dir.Write("cutover.yaml", plan.Replace("POLICY", "stop", StringComparison.Ordinal));

        var stopped = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(7, stopped.ExitCode);
        Assert.Contains("error ROW_REJECTED: items key 2: CAST_FAILED", stopped.StdErr, StringComparison.Ordinal);

        _dir.Write("cutover.yaml", plan.Replace("POLICY", "skip", StringComparison.Ordinal));
        var skipped = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--json");

        Assert.True(skipped.ExitCode == 7, skipped.ToString());
        Assert.Equal(2, JsonDocument.Parse(skipped.StdOut).RootElement.GetProperty("totals").GetProperty("rows_rejected").GetInt64());
        Assert.Equal(["i1|i10", "i3|i30", "i5|i50"], Db.Rows(Target, "SELECT id, qty FROM items ORDER BY id"));
        var status = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement.GetProperty("failures");
        Assert.Equal(2, status.GetProperty("count").GetInt32());
        Assert.Equal(["2", "4"], status.GetProperty("rows").EnumerateArray().Select(f => f.GetProperty("key").GetString()!).ToArray());
        Assert.All(status.GetProperty("rows").EnumerateArray(), f => Assert.Equal("CAST_FAILED", f.GetProperty("code").GetString()));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "verify", "cutover.yaml").ExitCode);

        var stillBad = CutoverCli.Run(_dir.Path, "retry", "cutover.yaml");
        Assert.Equal(7, stillBad.ExitCode);
        Db.Exec(Source, "UPDATE items SET qty = '20' WHERE id = 2; UPDATE items SET qty = '40' WHERE id = 4;");
        var retried = CutoverCli.Run(_dir.Path, "retry", "cutover.yaml");

        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal(["i1|i10", "i2|i20", "i3|i30", "i4|i40", "i5|i50"], Db.Rows(Target, "SELECT id, qty FROM items ORDER BY id"));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "verify", "cutover.yaml").ExitCode);
    }

    [Fact]
    public void StoppedRun_FixedInTheSource_ResumesVerifiedAndClosesTheFailure()
    {
        Db.Exec(Source, """
            CREATE TABLE items (id INTEGER PRIMARY KEY, qty TEXT);
            INSERT INTO items VALUES (1, '10'), (2, 'lots'), (3, '30');
            """);
        _dir.Write("cutover.yaml", "name: items\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: items\n    columns:\n      qty: { type: integer }\n");
        Assert.Equal(7, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);

        Db.Exec(Source, "UPDATE items SET qty = '20' WHERE id = 2");
        var resumed = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(["i1|i10", "i2|i20", "i3|i30"], Db.Rows(Target, "SELECT id, qty FROM items ORDER BY id"));
        var status = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;
        Assert.Equal(0, status.GetProperty("failures").GetProperty("count").GetInt32());
    }

    [Fact]
    public void BadRekeyTime_IsRecordedWithItsReason_AndRetryMapsItOnceFixed()
    {
        Db.CreateSample(Source, parents: 4, childrenPerParent: 2, logs: 0);
        var bad = (string)Db.Scalar(Source, "SELECT id FROM sessions ORDER BY id LIMIT 1")!;
        Db.Exec(Source, $"UPDATE sessions SET created_at = 'last tuesday' WHERE id = '{bad}'");
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal).Replace("batch_size: 100", "batch_size: 100\non_error: skip", StringComparison.Ordinal));

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(7, r.ExitCode);
        var rows = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement
            .GetProperty("failures").GetProperty("rows").EnumerateArray().ToList();
        var session = rows.Single(f => f.GetProperty("entity").GetString() == "sessions");
        Assert.Equal("REKEY_FAILED", session.GetProperty("code").GetString());
        Assert.Contains("'last tuesday' is not a time", session.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, rows.Count(f => f.GetProperty("code").GetString() == "FK_UNMAPPED"));

        Db.Exec(Source, $"UPDATE sessions SET created_at = '2026-03-01T00:00:00Z' WHERE id = '{bad}'");
        var retried = CutoverCli.Run(_dir.Path, "retry", "cutover.yaml");

        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal(4, Db.Count(Target, "sessions"));
        Assert.Equal(8, Db.Count(Target, "events"));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "verify", "cutover.yaml").ExitCode);
    }

    [Fact]
    public void OrphanInSource_WithoutRekey_IsCopiedAndReportedAsDangling()
    {
        Db.Exec(Source, """
            PRAGMA foreign_keys = OFF;
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));
            INSERT INTO parent VALUES (1);
            INSERT INTO child VALUES (1, 1), (2, 99);
            """);
        _dir.Write("cutover.yaml", "name: fk\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: parent\n  - table: child\n");

        var m = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--json");
        var r = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--json");
        var audit = CutoverCli.Run(_dir.Path, "audit", "cutover.yaml", "--json");

        Assert.Equal(0, m.ExitCode);
        var migrated = JsonDocument.Parse(m.StdOut).RootElement.GetProperty("verification").EnumerateArray().Single(e => e.GetProperty("entity").GetString() == "child");
        Assert.Equal(1, migrated.GetProperty("dangling_foreign_keys").GetInt64());
        // verify compares source and target (they agree: the orphan is copied as it is); audit names the row that points nowhere.
        Assert.Equal(0, r.ExitCode);
        var child = JsonDocument.Parse(r.StdOut).RootElement.GetProperty("entities").EnumerateArray().Single(e => e.GetProperty("entity").GetString() == "child");
        Assert.Equal(JsonValueKind.Null, child.GetProperty("dangling_foreign_keys").ValueKind);
        Assert.Equal(6, audit.ExitCode);
        var fk = JsonDocument.Parse(audit.StdOut).RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("check").GetString() == "foreign_key");
        Assert.Equal(["2"], fk.GetProperty("samples").EnumerateArray().Select(x => x.GetString()!).ToArray());
    }

    [Fact]
    public void OrphanChild_OfRekeyedParent_IsRecordedAsFkUnmapped()
    {
        Db.CreateSample(Source, parents: 3, childrenPerParent: 2, logs: 0);
        Db.Exec(Source, "PRAGMA foreign_keys = OFF; INSERT INTO events (id, session_id, kind) VALUES (999, 'gone-session', 'orphan')");
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal).Replace("batch_size: 100", "batch_size: 100\non_error: skip", StringComparison.Ordinal));

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(7, r.ExitCode);
        var failures = CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json");
        var rows = JsonDocument.Parse(failures.StdOut).RootElement.GetProperty("failures").GetProperty("rows").EnumerateArray().ToList();
        var orphan = Assert.Single(rows);
        Assert.Equal("events", orphan.GetProperty("entity").GetString());
        Assert.Equal("999", orphan.GetProperty("key").GetString());
        Assert.Equal("FK_UNMAPPED", orphan.GetProperty("code").GetString());
        Assert.Equal(6, Db.Count(Target, "events"));
    }

    [Fact]
    public void Rollback_RestoresTheTargetsOriginalRows()
    {
        Db.CreateSample(Source, parents: 5, childrenPerParent: 2, logs: 3);
        Db.Exec(Target, """
            CREATE TABLE legacy (id INTEGER PRIMARY KEY, note TEXT);
            INSERT INTO legacy VALUES (1, 'keep me'), (2, 'and me');
            CREATE TABLE logs (line TEXT, level INTEGER);
            INSERT INTO logs VALUES ('old log', 9);
            """);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal).Replace("batch_size: 100", "batch_size: 100\nif_exists: replace", StringComparison.Ordinal));
        var originalLegacy = Db.Rows(Target, "SELECT * FROM legacy ORDER BY id");
        var originalLogs = Db.Rows(Target, "SELECT rowid, * FROM logs");

        var migrated = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        Assert.Equal(3, Db.Count(Target, "logs"));

        var rolled = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml");

        Assert.True(rolled.ExitCode == 0, rolled.ToString());
        Assert.Equal(originalLegacy, Db.Rows(Target, "SELECT * FROM legacy ORDER BY id"));
        Assert.Equal(originalLogs, Db.Rows(Target, "SELECT rowid, * FROM logs"));
        Assert.Equal(0L, Db.Scalar(Target, "SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('sessions', 'events')"));
        var again = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(10, Db.Count(Target, "events"));
    }

    [Fact]
    public void EmptyTargetTable_WithOtherColumns_IsRefusedInPreflight()
    {
        Db.CreateSample(Source, parents: 2, childrenPerParent: 1, logs: 1);
        Db.Exec(Target, "CREATE TABLE logs (message TEXT)");
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal));

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("UNSUPPORTED_SCHEMA", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("without column(s) line, level", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(0L, Db.Scalar(Target, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sessions'"));
    }

    [Fact]
    public void Rollback_OfARunStoppedInPreflight_SaysNothingWasWritten()
    {
        Db.Exec(Source, "CREATE TABLE loose (code TEXT PRIMARY KEY); INSERT INTO loose VALUES (NULL);");
        _dir.Write("cutover.yaml", "name: loose\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: loose\n");
        Assert.Equal(4, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);

        var r = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("nothing to restore", r.StdOut, StringComparison.Ordinal);
        Assert.False(File.Exists(Target));
        var status = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;
        Assert.Equal("rolled_back", status.GetProperty("status").GetString());
    }

    [Fact]
    public void Rollback_WhenTargetDidNotExist_RemovesIt()
    {
        Db.CreateSample(Source, parents: 2, childrenPerParent: 1, logs: 1);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);
        Assert.True(File.Exists(Target));

        Assert.Equal(0, CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml").ExitCode);

        Assert.False(File.Exists(Target));
        var status = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;
        Assert.Equal("rolled_back", status.GetProperty("status").GetString());
    }

    [Fact]
    public void BackupRestore_PutsTheTargetBackAsItWasBeforeTheRun()
    {
        Db.CreateSample(Source, parents: 3, childrenPerParent: 1, logs: 2);
        Db.Exec(Target, "CREATE TABLE legacy (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO legacy VALUES (1, 'before');");
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);
        Db.Exec(Target, "UPDATE legacy SET note = 'changed after the run'");

        var dry = CutoverCli.Run(_dir.Path, "backup", "restore", "cutover.yaml", "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Equal("changed after the run", Db.Scalar(Target, "SELECT note FROM legacy"));
        var r = CutoverCli.Run(_dir.Path, "backup", "restore", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("target", JsonDocument.Parse(r.StdOut).RootElement.GetProperty("role").GetString());
        Assert.Equal("before", Db.Scalar(Target, "SELECT note FROM legacy"));
        Assert.Equal(0L, Db.Scalar(Target, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'events'"));
    }

    [Fact]
    public void Backup_VerifyDetectsATamperedBackup()
    {
        Db.CreateSample(Source, parents: 2, childrenPerParent: 1, logs: 1);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "backup", "verify", "cutover.yaml").ExitCode);
        var list = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "backup", "list", "cutover.yaml", "--json").StdOut).RootElement;
        var sourceBackup = list.EnumerateArray().Single(b => b.GetProperty("role").GetString() == "source").GetProperty("path").GetString()!;

        File.AppendAllText(sourceBackup, "x");
        var r = CutoverCli.Run(_dir.Path, "backup", "verify", "cutover.yaml");

        Assert.Equal(9, r.ExitCode);
        Assert.Contains("BACKUP_CORRUPT", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WithSeveralErrors_ReportsEachWithLineAndColumn()
    {
        Db.CreateSample(Source, parents: 1, childrenPerParent: 1, logs: 1);
        _dir.Write("cutover.yaml", """
            name: bad
            source: sqlite:./app.db
            target: sqlite:./app_v2.db
            batchsize: 10
            on_error: maybe
            entities:
              - table: sessions
                key: id
              - table: nope
            """);

        var r = CutoverCli.Run(_dir.Path, "plan", "cutover.yaml");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("PLAN_INVALID", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("cutover.yaml:4:1: unknown key 'batchsize' in plan (did you mean 'batch_size'?)", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("cutover.yaml:5:11: 'on_error' must be one of stop | skip", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NamingAMissingTable_IsRejectedAtItsLine()
    {
        Db.CreateSample(Source, parents: 1, childrenPerParent: 1, logs: 1);
        _dir.Write("cutover.yaml", """
            source: sqlite:./app.db
            target: sqlite:./app_v2.db
            entities:
              - table: sessions
              - table: nope
            """);

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("cutover.yaml:5:5: table 'nope' is not in the source", r.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.File(".cutover")) && File.Exists(Target));
    }

    [Fact]
    public void MissingSource_IsSourceUnreachable_AndCreatesNothing()
    {
        _dir.Write("cutover.yaml", "source: sqlite:./missing.db\ntarget: sqlite:./t.db\nentities:\n  - table: x\n");

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(10, r.ExitCode);
        Assert.Contains("SOURCE_UNREACHABLE", r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("missing.db")));
        Assert.False(File.Exists(_dir.File("t.db")));
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// The PostgreSQL server restarts, or goes down and stays down, while <c>migrate</c> runs with it as the source, the
/// state store or the target being backed up: a restart is retried in the same process, which finishes with exactly the
/// source's rows; a server that stays down ends the run with SOURCE_UNREACHABLE (exit 10) and a state the next
/// <c>migrate</c> resumes from.
/// </summary>
[Collection(ServerRestartCollection.Name)]
public sealed class PostgreSqlOutageTests : IDisposable
{
    private const int Events = 300_000;
    private const string EventsQuery = "SELECT id, kind, payload, value FROM events ORDER BY id";

    private readonly TempDir _dir = new();
    private readonly Pg _pg = new();

    public void Dispose()
    {
        _pg.Dispose();
        _dir.Dispose();
    }

    /// <summary>A PostgreSQL source of <see cref="Events"/> rows and a plan copying it into a SQLite file.</summary>
    private void PostgresSourcePlan()
    {
        _pg.Exec($$"""
            CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, payload text, value double precision);
            INSERT INTO events SELECT g, 'kind' || (g % 7), CASE WHEN g % 31 = 0 THEN NULL ELSE '{"n":' || g || ',"t":"日本 ✓"}' END, g * 1.000001
              FROM generate_series(1, {{Events}}) g;
            """);
        _dir.Write("back.yaml", $"""
            name: back
            source: '{_pg.Uri}'
            target: sqlite:./back.db
            batch_size: 1000
            entities:
              - table: events
            """);
    }

    /// <summary>Starts the CLI, collecting stdout and stderr together.</summary>
    private static (Process Process, StringBuilder Output) Start(string dir, params string[] args)
    {
        var output = new StringBuilder();
        var p = Process.Start(CutoverCli.StartInfo(dir, args))!;
        p.OutputDataReceived += (_, a) => { lock (output) { output.AppendLine(a.Data); } };
        p.ErrorDataReceived += (_, a) => { lock (output) { output.AppendLine(a.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return (p, output);
    }

    private static void WaitUntil(Process p, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!p.HasExited && !condition() && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(5);
        }
        Assert.False(p.HasExited, "migrate finished before the server could be stopped; make the table larger");
    }

    private static string Finish(Process p, StringBuilder output)
    {
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "migrate did not finish");
        p.WaitForExit(); // drain the output
        lock (output)
        {
            return output.ToString();
        }
    }

    [Fact]
    public void Migrate_SourceServerRestartsMidCopy_RetriesAndFinishesWithExactRows()
    {
        PostgresSourcePlan();
        var (p, output) = Start(_dir.Path, "migrate", "back.yaml");
        using var _ = p;
        WaitUntil(p, () => Db.RowsCopied(_dir.Path, "back") >= 0.2 * Events);
        var doneAtRestart = Db.RowsCopied(_dir.Path, "back");

        PgServer.Restart();
        var stillCopying = Db.RowsCopied(_dir.Path, "back") < Events;

        var log = Finish(p, output);
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode} (restarted at {doneAtRestart} rows):\n{log}");
        Assert.True(stillCopying, "the copy ended before the restart did; make the table larger");
        Assert.Contains("source unreachable, retrying in", log, StringComparison.Ordinal);
        var target = _dir.File("back.db");
        Assert.Equal(Events, Db.Count(target, "events"));
        Assert.Equal(_pg.Rows(EventsQuery), Db.Rows(target, EventsQuery));
        var verify = CutoverCli.Run(_dir.Path, "verify", "back.yaml");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public void Migrate_SourceServerStaysDown_SourceUnreachableExit10_ResumableState_ThenTheSameMigrateFinishes()
    {
        PostgresSourcePlan();
        var (p, output) = Start(_dir.Path, "migrate", "back.yaml");
        using var _ = p;
        WaitUntil(p, () => Db.RowsCopied(_dir.Path, "back") >= 0.2 * Events);
        string log;
        CliResult status;
        PgServer.Stop();
        try
        {
            log = Finish(p, output);
            status = CutoverCli.Run(_dir.Path, "status", "back.yaml", "--json");
        }
        finally
        {
            PgServer.Restart();
        }

        Assert.True(p.ExitCode == 10, $"exit {p.ExitCode}:\n{log}");
        Assert.Contains("migrate: error SOURCE_UNREACHABLE: ", log, StringComparison.Ordinal);
        Assert.Contains("source unreachable, retrying in", log, StringComparison.Ordinal);
        Assert.Contains("(attempt 6/6)", log, StringComparison.Ordinal);
        Assert.DoesNotContain(_pg.Password, log, StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.ToString());
        long doneWhenDown;
        using (var doc = JsonDocument.Parse(status.StdOut))
        {
            var root = doc.RootElement;
            Assert.Equal("failed", root.GetProperty("status").GetString());
            Assert.Equal("copy", root.GetProperty("phase").GetString());
            Assert.Equal("SOURCE_UNREACHABLE", root.GetProperty("error").GetProperty("code").GetString());
            var events = root.GetProperty("entities").EnumerateArray().Single();
            doneWhenDown = events.GetProperty("rows_done").GetInt64();
            Assert.InRange(doneWhenDown, 1, Events - 1);
            Assert.NotEqual(JsonValueKind.Null, events.GetProperty("checkpoint").ValueKind);
        }

        var again = CutoverCli.Run(_dir.Path, "migrate", "back.yaml", "--json");

        Assert.True(again.ExitCode == 0, again.ToString());
        using (var doc = JsonDocument.Parse(again.StdOut))
        {
            Assert.True(doc.RootElement.GetProperty("resumed").GetBoolean());
            Assert.Equal("completed", doc.RootElement.GetProperty("status").GetString());
        }
        var target = _dir.File("back.db");
        Assert.Equal(Events, Db.Count(target, "events"));
        Assert.Equal(_pg.Rows(EventsQuery), Db.Rows(target, EventsQuery));
    }

    [Fact]
    public void Migrate_StateServerRestartsMidCopy_RetriesAndFinishesWithExactRows()
    {
        var source = _dir.File("app.db");
        Db.CreateSample(source, parents: 2000, childrenPerParent: 100, logs: 0);
        Db.Exec(source, "DROP TABLE logs");
        _dir.Write("cutover.yaml", Db.SamplePlan
            .Replace("BATCH", "1000", StringComparison.Ordinal)
            .Replace("  - table: logs\n", "", StringComparison.Ordinal)
            .Replace("batch_size:", $"state: '{_pg.Uri}'\nbatch_size:", StringComparison.Ordinal));
        const long total = 2000 + 200_000;
        long Done()
        {
            try
            {
                return Convert.ToInt64(_pg.Scalar("SELECT COALESCE(SUM(read), 0) FROM cutover_state.progress WHERE plan = 'sample' AND entity NOT LIKE '%#idmap'"));
            }
            catch (Npgsql.PostgresException)
            {
                return 0; // the schema is not there yet
            }
        }
        var (p, output) = Start(_dir.Path, "migrate", "cutover.yaml");
        using var _ = p;
        WaitUntil(p, () => Done() >= 0.2 * total);

        PgServer.Restart();
        var stillCopying = Done() < total;

        var log = Finish(p, output);
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}:\n{log}");
        Assert.True(stillCopying, "the copy ended before the restart did; make the table larger");
        Assert.Contains("state unreachable, retrying in", log, StringComparison.Ordinal);
        var target = _dir.File("app_v2.db");
        Assert.Equal(2000, Db.Count(target, "sessions"));
        Assert.Equal(200_000, Db.Count(target, "events"));
        Assert.Equal(
            Db.Rows(source, "SELECT e.id, s.created_at, e.kind, e.payload, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id"),
            Db.Rows(target, "SELECT e.id, s.created_at, e.kind, e.body, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id"));
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public void Migrate_TargetServerRestartsDuringItsBackup_PgDumpIsRetried_AndRollbackRestoresFromIt()
    {
        var source = _dir.File("app.db");
        Db.CreateSample(source, parents: 50, childrenPerParent: 4, logs: 0);
        Db.Exec(source, "DROP TABLE logs");
        // A large table the run replaces, so pg_dump is still running when the server restarts.
        _pg.Exec("""
            CREATE TABLE events (id bigint PRIMARY KEY, note text NOT NULL);
            INSERT INTO events SELECT g, md5(g::text) || repeat(md5((g * 3)::text), 3) FROM generate_series(1, 400000) g;
            CREATE INDEX events_note ON events (note);
            """);
        var before = _pg.Rows("SELECT count(*), sum(id), md5(string_agg(note, ',' ORDER BY id)) FROM events");
        _dir.Write("cutover.yaml", Db.SamplePlan
            .Replace("BATCH", "100", StringComparison.Ordinal)
            .Replace("target: sqlite:./app_v2.db", $"target: '{_pg.Uri}'", StringComparison.Ordinal)
            .Replace("  - table: logs\n", "", StringComparison.Ordinal) + "\nif_exists: replace\n");
        bool Dumping() => Convert.ToInt64(_pg.Scalar($"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cutover-backup' AND datname = '{_pg.Database}'")) > 0;
        var (p, output) = Start(_dir.Path, "migrate", "cutover.yaml");
        using var _ = p;
        WaitUntil(p, Dumping);

        PgServer.Restart();

        var log = Finish(p, output);
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}:\n{log}");
        Assert.Contains("target unreachable, retrying in", log, StringComparison.Ordinal);
        Assert.Equal(200, _pg.Count("events"));
        var verify = CutoverCli.Run(_dir.Path, "backup", "verify", "cutover.yaml");
        Assert.True(verify.ExitCode == 0, verify.ToString());

        var rollback = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(["events"], _pg.Tables());
        Assert.Equal(before, _pg.Rows("SELECT count(*), sum(id), md5(string_agg(note, ',' ORDER BY id)) FROM events"));
        Assert.Equal(1L, Convert.ToInt64(_pg.Scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'events_note'")));
    }
}

using System.Diagnostics;
using System.Text;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>Restarting the shared server would break the other PostgreSQL tests, so this runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerRestartCollection
{
    public const string Name = "PostgreSQL server restart";
}

/// <summary>
/// The target PostgreSQL restarts (pg_ctl restart -m fast) while <c>migrate</c> copies into it: the same process retries,
/// reconnects, and finishes with exactly the source's rows.
/// </summary>
[Collection(ServerRestartCollection.Name)]
public sealed class PostgreSqlRestartTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Pg _pg = new();

    public void Dispose()
    {
        _pg.Dispose();
        _dir.Dispose();
    }

    private long RowsDone() => Db.RowsCopied(_dir.Path, "sample");

    [Fact]
    public void Migrate_TargetServerRestartsMidCopy_RetriesAndFinishesWithExactRows()
    {
        var source = _dir.File("app.db");
        Db.CreateSample(source, parents: 2000, childrenPerParent: 100, logs: 0);
        Db.Exec(source, "DROP TABLE logs");
        _dir.Write("cutover.yaml", Db.SamplePlan
            .Replace("BATCH", "1000", StringComparison.Ordinal)
            .Replace("target: sqlite:./app_v2.db", $"target: '{_pg.Uri}'", StringComparison.Ordinal)
            .Replace("  - table: logs\n", "", StringComparison.Ordinal));
        const long total = 2000 + 200_000;

        var output = new StringBuilder();
        using var p = Process.Start(CutoverCli.StartInfo(_dir.Path, "migrate", "cutover.yaml"))!;
        p.OutputDataReceived += (_, a) => { lock (output) { output.AppendLine(a.Data); } };
        p.ErrorDataReceived += (_, a) => { lock (output) { output.AppendLine(a.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!p.HasExited && RowsDone() < 0.2 * total && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(5);
        }
        Assert.False(p.HasExited, "migrate finished before the server could be restarted; make the table larger");
        var doneAtRestart = RowsDone();
        PgServer.Restart();
        var stillCopying = RowsDone() < total;

        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "migrate did not finish after the restart");
        p.WaitForExit(); // drain the output
        var log = output.ToString();
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode} (restarted at {doneAtRestart} rows):\n{log}");
        Assert.True(stillCopying, "the restart finished after the copy; make the table larger");
        Assert.Contains("target unreachable, retrying in", log, StringComparison.Ordinal);
        Assert.Equal(2000, _pg.Count("sessions"));
        Assert.Equal(200_000, _pg.Count("events"));
        Assert.Equal(0L, Convert.ToInt64(_pg.Scalar("SELECT COUNT(*) FROM (SELECT id FROM events GROUP BY id HAVING COUNT(*) > 1) d")));
        Assert.Equal(
            Db.Rows(source, "SELECT e.id, s.created_at, e.kind, e.payload, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id"),
            _pg.Rows("SELECT e.id, s.created_at, e.kind, e.body, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id"));
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }
}

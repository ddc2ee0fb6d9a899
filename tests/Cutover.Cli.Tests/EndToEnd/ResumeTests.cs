using System.Diagnostics;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>kill -9 during the copy, then the same command again: the target ends with exactly the source rows.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private long RowsDone() => Db.RowsCopied(_dir.Path, "sample");

    [Fact]
    public void Migrate_KilledAtSeveralPointsDuringCopy_ResumesToExactRows()
    {
        var source = _dir.File("app.db");
        var target = _dir.File("app_v2.db");
        Db.CreateSample(source, parents: 2000, childrenPerParent: 100, logs: 60_000);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "1000", StringComparison.Ordinal));
        const long total = 2000 + 200_000 + 60_000;

        var killedMidCopy = CutoverCli.KillDuringCopy(_dir.Path, ["migrate", "cutover.yaml"], "sample", total, [0.05, 0.35, 0.6, 0.85], () =>
        {
            var status = System.Text.Json.JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;
            Assert.Equal("interrupted", status.GetProperty("status").GetString());
        });

        var final = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.True(killedMidCopy >= 3, $"only {killedMidCopy} kills landed during the copy");
        Assert.Equal(Db.Count(source, "events"), Db.Count(target, "events"));
        Assert.Equal(
            Db.Rows(source, "SELECT e.id, s.created_at, e.kind, e.payload, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id"),
            Db.Rows(target, "SELECT e.id, s.created_at, e.kind, e.body, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id"));
        Assert.Equal(Db.Rows(source, "SELECT rowid, line, level FROM logs ORDER BY rowid"), Db.Rows(target, "SELECT rowid, line, level FROM logs ORDER BY rowid"));
        Assert.Equal(2000, Db.Count(target, "sessions"));
        Assert.Equal(0L, Db.Scalar(target, "SELECT COUNT(*) FROM (SELECT id FROM sessions GROUP BY id HAVING COUNT(*) > 1)"));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "verify", "cutover.yaml").ExitCode);
    }

    [Fact]
    public void Migrate_KilledAtArbitraryInstantsInAnyPhase_ResumesToExactRows()
    {
        var source = _dir.File("app.db");
        var target = _dir.File("app_v2.db");
        Db.CreateSample(source, parents: 3000, childrenPerParent: 30, logs: 20_000);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "700", StringComparison.Ordinal));

        // Fixed offsets after start land in different phases (preflight, backup, id map, copy, indexes, verify) as the run advances.
        foreach (var delay in new[] { 250, 450, 650, 900, 1200, 1600 })
        {
            using var p = CutoverCli.Start(_dir.Path, "migrate", "cutover.yaml");
            Thread.Sleep(delay);
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
            p.WaitForExit();
        }

        var final = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.Equal(
            Db.Rows(source, "SELECT e.id, s.created_at, e.kind, e.payload, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id"),
            Db.Rows(target, "SELECT e.id, s.created_at, e.kind, e.body, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id"));
        Assert.Equal(Db.Rows(source, "SELECT rowid, line, level FROM logs ORDER BY rowid"), Db.Rows(target, "SELECT rowid, line, level FROM logs ORDER BY rowid"));
        Assert.Equal(3000, Db.Count(target, "sessions"));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "verify", "cutover.yaml").ExitCode);
    }

    [Fact]
    public void Migrate_OnCtrlC_RecordsInterruptedExits130_AndResumes()
    {
        var source = _dir.File("app.db");
        Db.CreateSample(source, parents: 1000, childrenPerParent: 200, logs: 0);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "500", StringComparison.Ordinal));
        using var p = CutoverCli.Start(_dir.Path, "migrate", "cutover.yaml");
        var clock = Stopwatch.StartNew();
        while (!p.HasExited && RowsDone() < 20_000 && clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            Thread.Sleep(5);
        }
        Assert.False(p.HasExited, "migrate finished before it could be interrupted; make the table larger");

        using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), "migrate did not stop after SIGINT");

        Assert.Equal(130, p.ExitCode);
        var status = System.Text.Json.JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Equal("INTERRUPTED", status.GetProperty("error").GetProperty("code").GetString());
        var resumed = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(200_000, Db.Count(_dir.File("app_v2.db"), "events"));
    }

    [Fact]
    public void Migrate_WhileAnotherRunsThePlan_IsRefusedWithRunLocked()
    {
        Db.CreateSample(_dir.File("app.db"), parents: 1000, childrenPerParent: 200, logs: 0);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "500", StringComparison.Ordinal));
        using var first = CutoverCli.Start(_dir.Path, "migrate", "cutover.yaml");
        var clock = Stopwatch.StartNew();
        while (!first.HasExited && RowsDone() == 0 && clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            Thread.Sleep(5);
        }
        Assert.False(first.HasExited, "the first migrate finished before the second could start; make the table larger");

        var second = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        var status = System.Text.Json.JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;

        Assert.False(first.HasExited, "the first migrate finished while the second ran; make the table larger");
        Assert.Equal("running", status.GetProperty("status").GetString());
        first.Kill(entireProcessTree: true);
        first.WaitForExit();
        Assert.Equal(8, second.ExitCode);
        Assert.Contains("RUN_LOCKED", second.StdErr, StringComparison.Ordinal);
        Assert.Contains("pid", second.StdErr, StringComparison.Ordinal);
    }
}

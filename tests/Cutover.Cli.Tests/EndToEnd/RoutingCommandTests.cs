using System.Diagnostics;
using System.Text.Json;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary><c>cutover stage</c> and <c>cutover traffic</c> through the real CLI: the routing control in the state store, status, the audit log.</summary>
public sealed class RoutingCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Plan()
    {
        Db.Exec(_dir.File("app.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        _dir.Write("cutover.yaml", "name: r\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: t\n");
    }

    private JsonElement Routing() => JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement.GetProperty("routing");

    [Fact]
    public void StageThenTraffic_AreStoredForApplications_WithAVersionEachAndAnAuditEntry()
    {
        Plan();

        var stage = CutoverCli.Run(_dir.Path, "stage", "cutover.yaml", "dual-write", "--lead", "old");
        var traffic = CutoverCli.Run(_dir.Path, "traffic", "cutover.yaml", "--reads", "10", "--writes", "50", "--json");
        var same = CutoverCli.Run(_dir.Path, "traffic", "cutover.yaml", "--writes", "50", "--json");

        Assert.True(stage.ExitCode == 0, stage.ToString());
        Assert.Contains("stage dual-write (old leads), reads 0% new, writes 0% new", stage.StdOut, StringComparison.Ordinal);
        Assert.True(traffic.ExitCode == 0, traffic.ToString());
        Assert.True(JsonDocument.Parse(traffic.StdOut).RootElement.GetProperty("changed").GetBoolean());
        Assert.False(JsonDocument.Parse(same.StdOut).RootElement.GetProperty("changed").GetBoolean());
        var routing = Routing();
        Assert.Equal("dual-write", routing.GetProperty("stage").GetString());
        Assert.Equal("old", routing.GetProperty("lead").GetString());
        Assert.Equal(10, routing.GetProperty("read_percent").GetInt32());
        Assert.Equal(50, routing.GetProperty("write_percent").GetInt32());
        Assert.Equal(2, routing.GetProperty("version").GetInt64());
        var state = _dir.File(".cutover/r/state.db");
        Assert.Equal(2L, Db.Scalar(state, "SELECT COUNT(*) FROM audit WHERE action LIKE 'routing.%'"));
    }

    [Theory]
    [InlineData("stage", "sideways")]
    [InlineData("stage", "live", "--lead", "both")]
    [InlineData("traffic", "--reads", "101")]
    [InlineData("traffic")]
    public void BadValues_AreRefusedWithUsageExit2_AndChangeNothing(params string[] args)
    {
        Plan();

        var r = CutoverCli.Run(_dir.Path, [args[0], "cutover.yaml", .. args[1..]]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("USAGE_INVALID", r.StdErr, StringComparison.Ordinal);
        var status = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;
        Assert.Equal(JsonValueKind.Null, status.GetProperty("routing").ValueKind);
    }

    [Fact]
    public void Conflicts_ListsTheUnresolvedOnes_AndWithAllTheResolvedToo()
    {
        Plan();
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "stage", "cutover.yaml", "dual-write").ExitCode);
        var state = _dir.File(".cutover/r/state.db");
        Db.Exec(state, """
            INSERT INTO conflicts (entity, key, kind, failed_side, error, fields, at) VALUES ('sessions', 's-1', 'partial_write', 'new', 'timeout', '[]', '2026-11-22T12:00:00.0000000+00:00');
            INSERT INTO conflicts (entity, key, kind, failed_side, error, fields, at, resolution, resolved_at) VALUES ('sessions', 's-2', 'shadow_mismatch', NULL, NULL, '["title"]', '2026-11-22T12:00:01.0000000+00:00', 'old_wins', '2026-11-22T12:01:00.0000000+00:00');
            """);

        var open = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "conflicts", "cutover.yaml", "--json").StdOut).RootElement;
        var all = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "conflicts", "cutover.yaml", "--all", "--json").StdOut).RootElement;
        var table = CutoverCli.Run(_dir.Path, "conflicts", "cutover.yaml", "--all");

        Assert.Equal(1, open.GetProperty("unresolved").GetInt32());
        var only = Assert.Single(open.GetProperty("conflicts").EnumerateArray().ToList());
        Assert.Equal(("s-1", "partial_write", "new", "timeout"), (only.GetProperty("key").GetString(), only.GetProperty("kind").GetString(),
            only.GetProperty("failed_side").GetString(), only.GetProperty("error").GetString()));
        Assert.Equal(2, all.GetProperty("conflicts").GetArrayLength());
        Assert.Equal("old_wins", all.GetProperty("conflicts")[1].GetProperty("resolution").GetString());
        Assert.Contains("differs in title", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("1 unresolved of 2 listed", table.StdOut, StringComparison.Ordinal);
    }

    private void RolloutPlan(string steps)
    {
        Plan();
        File.AppendAllText(_dir.File("cutover.yaml"), "rollout:\n  stage: dual-write\n  lead: old\n  steps:\n" + steps);
    }

    [Fact]
    public void Rollout_WalksItsStepsInOrder_AndEndsAtTheLast()
    {
        RolloutPlan("    - { percent: 10, hold: 200ms }\n    - { percent: 50, reads: 20, hold: 200ms }\n    - { percent: 100 }\n");

        var r = CutoverCli.Run(_dir.Path, "rollout", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var doc = JsonDocument.Parse(r.StdOut).RootElement;
        Assert.True(doc.GetProperty("completed").GetBoolean());
        Assert.Equal([10, 50, 100], doc.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("write_percent").GetInt32()));
        var routing = Routing();
        Assert.Equal(("dual-write", 100, 100, 3L), (routing.GetProperty("stage").GetString(), routing.GetProperty("write_percent").GetInt32(),
            routing.GetProperty("read_percent").GetInt32(), routing.GetProperty("version").GetInt64()));
        var state = _dir.File(".cutover/r/state.db");
        Assert.Equal(3L, Db.Scalar(state, "SELECT COUNT(*) FROM audit WHERE action = 'routing.rollout'"));
        Assert.Equal(1L, Db.Scalar(state, "SELECT COUNT(*) FROM audit WHERE action = 'routing.rollout.complete'"));
    }

    [Fact]
    public async Task Rollout_ARouterSteppingBackDuringAHold_StopsItWithExit12_AndLeavesTheStepBack()
    {
        RolloutPlan("    - { percent: 10, hold: 60s }\n    - { percent: 100 }\n");
        var state = _dir.File(".cutover/r/state.db");
        using var p = Process.Start(CutoverCli.StartInfo(_dir.Path, "rollout", "cutover.yaml", "--json"))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // Wait until the first step is in the control (the state it leaves, not a delay), then step back as a router would on a breach.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && !StoredControl(state).Contains("\"write_percent\":10", StringComparison.Ordinal))
        {
            await Task.Delay(20);
        }
        Db.Exec(state, """
            UPDATE control SET value = '{"stage":"legacy","lead":"old","read_percent":0,"write_percent":10,"version":2,"changed_at":"2026-11-22T12:00:00+00:00","reason":"step back: new side breached: error rate 40.0 % (max 5.0 %)"}' WHERE key = 'routing'
            """);

        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(20)), "rollout did not stop after the step back");
        Assert.Equal(12, p.ExitCode);
        Assert.Contains("error ROLLOUT_STOPPED: stopped at step 1/2: an application's router detected a breach", await stderr, StringComparison.Ordinal);
        // One JSON document (a script reads it with one parse): where it stopped, why, and the error with its exit code.
        var doc = JsonDocument.Parse(await stdout).RootElement;
        Assert.Equal((1, true, "ROLLOUT_STOPPED", 12), (doc.GetProperty("stopped_at_step").GetInt32(), doc.GetProperty("breach").GetBoolean(),
            doc.GetProperty("error").GetProperty("code").GetString(), doc.GetProperty("exit_code").GetInt32()));
        Assert.Equal("legacy", doc.GetProperty("routing").GetProperty("stage").GetString());
        var routing = Routing();
        Assert.Equal(("legacy", 2L), (routing.GetProperty("stage").GetString(), routing.GetProperty("version").GetInt64()));
    }

    /// <summary>The routing control as stored, or "" while the state database or its tables are still being created.</summary>
    private static string StoredControl(string state)
    {
        try
        {
            return File.Exists(state) ? Db.Scalar(state, "SELECT value FROM control WHERE key = 'routing'") as string ?? "" : "";
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return "";
        }
    }

    [Fact]
    public void PlanThresholds_ArePublishedInTheControl_ByStageAndRollout_AndStatusShowsThem()
    {
        Plan();
        File.AppendAllText(_dir.File("cutover.yaml"),
            "rollout:\n  on_breach: freeze\n  thresholds: { max_error_rate: 1%, max_p99: 200ms, window: 10s, min_calls: 5 }\n  steps:\n"
            + "    - { percent: 10 }\n    - { percent: 50 }\n    - { percent: 100 }\n");

        var stage = CutoverCli.Run(_dir.Path, "stage", "cutover.yaml", "dual-write", "--json");
        var rollout = CutoverCli.Run(_dir.Path, "rollout", "cutover.yaml", "--from-step", "2");
        var text = CutoverCli.Run(_dir.Path, "status", "cutover.yaml");

        Assert.True(stage.ExitCode == 0, stage.ToString());
        var published = JsonDocument.Parse(stage.StdOut).RootElement.GetProperty("routing").GetProperty("thresholds");
        Assert.Equal((0.01, 200.0, 10.0, 5, "freeze"), (published.GetProperty("max_error_rate").GetDouble(), published.GetProperty("max_p99_ms").GetDouble(),
            published.GetProperty("window_seconds").GetDouble(), published.GetProperty("min_calls").GetInt32(), published.GetProperty("on_breach").GetString()));
        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        Assert.Contains("breach thresholds for every router: error rate > 1.0 % or p99 > 200 ms over 10 s (at least 5 calls), then freeze", rollout.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("step 1/3", rollout.StdOut, StringComparison.Ordinal);
        Assert.Contains("step 2/3", rollout.StdOut, StringComparison.Ordinal);
        var routing = Routing();
        Assert.Equal((100, "freeze"), (routing.GetProperty("write_percent").GetInt32(), routing.GetProperty("thresholds").GetProperty("on_breach").GetString()));
        Assert.Contains("breach thresholds (from the plan): error rate > 1.0 % or p99 > 200 ms", text.StdOut, StringComparison.Ordinal);

        // Taken out of the plan: the next change clears them, and the applications' own apply again.
        var plain = File.ReadAllText(_dir.File("cutover.yaml")).Replace("  on_breach: freeze\n", "", StringComparison.Ordinal)
            .Replace("  thresholds: { max_error_rate: 1%, max_p99: 200ms, window: 10s, min_calls: 5 }\n", "", StringComparison.Ordinal);
        _dir.Write("cutover.yaml", plain);
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "traffic", "cutover.yaml", "--reads", "50").ExitCode);
        Assert.Equal(JsonValueKind.Null, Routing().GetProperty("thresholds").ValueKind);
    }

    [Fact]
    public void Rollout_FromAStepPastTheLast_IsAUsageError()
    {
        RolloutPlan("    - { percent: 10 }\n");

        var r = CutoverCli.Run(_dir.Path, "rollout", "cutover.yaml", "--from-step", "2");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--from-step 2: the plan's rollout has 1 steps", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollout_WithoutARolloutBlock_IsAPlanError()
    {
        Plan();

        var r = CutoverCli.Run(_dir.Path, "rollout", "cutover.yaml");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("the plan has no rollout: block", r.StdErr, StringComparison.Ordinal);
    }
}

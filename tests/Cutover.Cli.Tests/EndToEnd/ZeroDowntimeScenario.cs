using System.Diagnostics;
using System.Text.Json;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// The whole zero-downtime life cycle through the real CLI while an application (tests/Cutover.Writer, its own process)
/// inserts, updates and deletes at a steady rate: migrate with capture (copy while writing) -> sync --follow -> cut-over ->
/// writes on the target flowing back -> rollback -> writes on the source -> cut-over again -> complete. At the end both
/// stores hold exactly the same rows, and every write the application saw acknowledged is there. Run on SQLite and on
/// PostgreSQL by the subclasses.
/// </summary>
public abstract class ZeroDowntimeScenario : IDisposable
{
    protected const int Seeded = 3000;
    protected const string ItemsSql = "SELECT id, name, qty, price FROM items ORDER BY id";
    protected readonly TempDir Dir = new();

    protected abstract bool Postgres { get; }
    protected abstract string SourceUri { get; }
    protected abstract string TargetUri { get; }
    protected abstract string SourceConnection { get; }
    protected abstract string TargetConnection { get; }

    /// <summary>Creates <c>items</c> on the source with <paramref name="rows"/> seeded rows (<see cref="SeedRow"/>).</summary>
    protected abstract void CreateSource(int rows);

    protected abstract List<string> Rows(bool source);

    /// <summary>Runs <paramref name="sql"/> on one store as an application would; returns the error message, or null when it was accepted.</summary>
    protected abstract string? TryWrite(bool source, string sql);

    protected abstract long CountCutoverObjects(bool source);

    public virtual void Dispose() => Dir.Dispose();

    protected static (string Name, long Qty, double Price) SeedRow(long id) => ($"seed-{id}", id * 7, id / 3.0);

    protected string WritePlan(string capture = "triggers") => Dir.Write("plan.yaml", $"""
        name: live
        source: {SourceUri}
        target: {TargetUri}
        batch_size: 250
        backup: none
        capture: {capture}
        cutover: {"{"} max_lag: 30s, max_pending: 100000, verify: checksums, drain_timeout: 60s {"}"}
        entities:
          - table: items
        """);

    protected CliResult Cli(params string[] args) => CutoverCli.Run(Dir.Path, args);

    protected static void Ok(CliResult r) => Assert.True(r.ExitCode == 0, r.ToString());

    protected string Authority()
    {
        var status = Cli("status", "plan.yaml", "--json");
        Ok(status);
        using var doc = JsonDocument.Parse(status.StdOut);
        return doc.RootElement.GetProperty("authority").GetString()!;
    }

    protected LoadWriter StartWriter(double rate) => new(Dir.Path, Dir.File("plan.yaml"), SourceConnection, TargetConnection, Postgres, rate, Seeded);

    /// <summary>The rows the table must hold: seeded ones as seeded, overridden by the writer's acknowledged writes.</summary>
    protected static List<string> Expected(IReadOnlyDictionary<long, string?> model)
    {
        var rows = new SortedDictionary<long, string>();
        for (var id = 1L; id <= Seeded; id++)
        {
            var (name, qty, price) = SeedRow(id);
            rows[id] = LoadWriter.Fingerprint(id, name, qty, price);
        }
        foreach (var (id, row) in model)
        {
            if (row is null)
            {
                rows.Remove(id);
            }
            else
            {
                rows[id] = row;
            }
        }
        return [.. rows.Values];
    }

    protected async Task LifeCycle_WhileTheApplicationWrites_LosesNoWriteAndEndsIdentical(string capture = "triggers")
    {
        CreateSource(Seeded);
        WritePlan(capture);
        using var writer = StartWriter(rate: 150);
        await Task.Delay(500);

        Ok(Cli("migrate", "plan.yaml"));
        Assert.Equal("source", Authority());
        // The target refuses application writes until it is authoritative: never two stores taking writes.
        Assert.Contains("WRITES_FROZEN", TryWrite(source: false, "INSERT INTO items (id, name, qty, price) VALUES (-1, 'probe', 0, 0)"));

        using var follower = CutoverCli.Start(Dir.Path, "sync", "plan.yaml", "--follow");
        await Task.Delay(1500);

        var cut = Cli("cutover", "plan.yaml", "--json");
        Ok(cut);
        using (var doc = JsonDocument.Parse(cut.StdOut))
        {
            Assert.Equal("target", doc.RootElement.GetProperty("authority").GetString());
            Assert.True(doc.RootElement.GetProperty("write_pause_ms").GetDouble() > 0);
            Assert.All(doc.RootElement.GetProperty("verification").EnumerateArray(), v => Assert.True(v.GetProperty("match").GetBoolean()));
        }
        Assert.Contains("WRITES_FROZEN", TryWrite(source: true, "INSERT INTO items (id, name, qty, price) VALUES (-1, 'probe', 0, 0)"));
        await Task.Delay(1500); // the application writes on the target; the follower carries them back

        var back = Cli("rollback", "plan.yaml");
        Ok(back);
        Assert.Contains("authority is now the source", back.StdOut);
        Assert.Equal("source", Authority());
        Assert.Contains("WRITES_FROZEN", TryWrite(source: false, "INSERT INTO items (id, name, qty, price) VALUES (-1, 'probe', 0, 0)"));
        await Task.Delay(1000);

        Ok(Cli("cutover", "plan.yaml"));
        await Task.Delay(1000);
        var summary = await writer.StopAsync();

        // kill -9 of the follower, then a plain sync finishes the way back: killing sync at any point is safe.
        follower.Kill(entireProcessTree: true);
        follower.WaitForExit();
        Ok(Cli("sync", "plan.yaml"));

        Assert.True(summary.OnSource > 50 && summary.OnTarget > 50, $"writes on source {summary.OnSource}, on target {summary.OnTarget}");
        var expected = Expected(summary.Model);
        Assert.Equal(expected, Rows(source: false));
        Assert.Equal(expected, Rows(source: true));

        var status = Cli("status", "plan.yaml", "--json");
        Ok(status);
        using (var doc = JsonDocument.Parse(status.StdOut))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("lag").GetProperty("pending").GetInt64());
        }

        var complete = Cli("complete", "plan.yaml");
        Ok(complete);
        Assert.Equal(0, CountCutoverObjects(source: true));
        Assert.Equal(0, CountCutoverObjects(source: false));
        Assert.Null(TryWrite(source: true, "DELETE FROM items WHERE id = -12345"));
        Assert.True(Directory.EnumerateFiles(Path.Combine(Dir.Path, ".cutover", "live", "archive"), "*.json").Any());
    }

    /// <summary>
    /// kill -9 of sync and of cutover at several points, each followed by a check that at most one store takes writes and
    /// that the authoritative one does, then a rerun; at the end both stores are identical and hold every acknowledged write.
    /// </summary>
    protected async Task KilledSyncAndCutover_RerunEndsExactWithOneAuthority()
    {
        CreateSource(Seeded);
        WritePlan();
        using var writer = StartWriter(rate: 200);
        await Task.Delay(300);
        Ok(Cli("migrate", "plan.yaml"));
        await Task.Delay(1500); // a backlog for sync to chew on

        foreach (var ms in new[] { 150, 400, 900 })
        {
            using var sync = CutoverCli.Start(Dir.Path, "sync", "plan.yaml");
            await Task.Delay(ms);
            sync.Kill(entireProcessTree: true);
            sync.WaitForExit();
            CheckOneAuthority();
        }
        Ok(Cli("sync", "plan.yaml"));

        // Killed at each step in turn, as soon as the control state shows the cut-over has reached it (some steps take a
        // millisecond and are passed before the poll sees them; then the kill lands in a later one, or the run finishes).
        var kills = new List<string>();
        string[] steps = ["prepare", "catch-up", "freeze", "drain", "verify", "flip", "unfreeze"];
        foreach (var step in steps)
        {
            using var cut = Process.Start(CutoverCli.StartInfo(Dir.Path, "cutover", "plan.yaml"))!;
            var output = cut.StandardOutput.ReadToEndAsync();
            var errors = cut.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            string? seen = null;
            // This step or any later one: a poll can miss a step that lasts a millisecond.
            while (!cut.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30)
                && Array.IndexOf(steps, (seen = Handover())?.Replace("cutover:", "", StringComparison.Ordinal)) < Array.IndexOf(steps, step))
            {
                await Task.Delay(1);
            }
            if (!cut.HasExited)
            {
                cut.Kill(entireProcessTree: true);
                kills.Add(seen ?? "(not started)");
            }
            cut.WaitForExit();
            if (cut.ExitCode is not (0 or 137 or -1))
            {
                kills.Add($"exit {cut.ExitCode}: {(await output).Trim()} {(await errors).Trim()}");
            }
            CheckOneAuthority();
            if (Authority() == "target")
            {
                break;
            }
        }
        Assert.True(kills.Any(k => k.StartsWith("cutover:", StringComparison.Ordinal)), "no cut-over was killed mid-way: " + string.Join(", ", kills));
        var rerun = Cli("cutover", "plan.yaml");
        Assert.True(rerun.ExitCode == 0 || rerun.StdErr.Contains("WRONG_AUTHORITY"), rerun.ToString());
        if (rerun.ExitCode != 0)
        {
            // The last kill came after the switch and the rerun of a finished cut-over says so; status shows no hand-over left.
            Assert.DoesNotContain("hand-over in progress", Cli("status", "plan.yaml").StdOut);
        }
        Assert.Equal("target", Authority());
        CheckOneAuthority();
        await Task.Delay(800);
        var summary = await writer.StopAsync();
        Ok(Cli("sync", "plan.yaml"));
        var expected = Expected(summary.Model);
        Assert.Equal(expected, Rows(source: false));
        Assert.Equal(expected, Rows(source: true));
    }

    /// <summary>The hand-over step the control state shows (SQLite state beside the plan), or null.</summary>
    private string? Handover()
    {
        var db = Path.Combine(Dir.Path, ".cutover", "live", "state.db");
        try
        {
            return File.Exists(db) ? Db.Scalar(db, "SELECT value FROM control WHERE key = 'handover'") as string : null;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return null; // busy for a moment: try again
        }
    }

    /// <summary>At most one store accepts an application write, and when one does it is the authority the control state names.</summary>
    private void CheckOneAuthority()
    {
        const string probe = "INSERT INTO items (id, name, qty, price) VALUES (-7, 'probe', 0, 0)";
        var sourceOpen = ProbeRolledBack(source: true, probe);
        var targetOpen = ProbeRolledBack(source: false, probe);
        Assert.False(sourceOpen && targetOpen, "both stores accept writes");
        var authority = Authority();
        if (sourceOpen || targetOpen)
        {
            Assert.Equal(sourceOpen ? "source" : "target", authority);
        }
    }

    /// <summary>Tries a write inside a transaction that is rolled back (nothing changes, nothing is captured).</summary>
    protected abstract bool ProbeRolledBack(bool source, string sql);

    protected static void WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, "timed out");
            Thread.Sleep(50);
        }
    }
}

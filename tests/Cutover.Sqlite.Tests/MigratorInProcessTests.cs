using System.Diagnostics.Metrics;
using Cutover.Connectors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Sqlite.Tests.Support;
using Cutover.State;

namespace Cutover.Sqlite.Tests;

/// <summary>The engine as a library user runs it (no CLI), on real SQLite files, with its metrics observed.</summary>
public sealed class MigratorInProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<MigrationResult> MigrateAsync(string planText)
    {
        var file = _dir.File("cutover.yaml");
        File.WriteAllText(file, planText);
        var plan = PlanLoader.Load(file);
        await using var ctx = await MigrationSession.OpenAsync(plan, new StoreRegistry([new SqliteStoreProvider()]),
            (path, create) => SqliteStateStore.Open(path, create), SessionMode.Write, null, null, null, CancellationToken.None);
        return await Migrator.RunAsync(ctx, CancellationToken.None);
    }

    [Fact]
    public async Task RunAsync_ResumedAfterDyingMidSchema_StillRefusesATargetTableWithSomeoneElsesRows()
    {
        SqliteFile.Exec(_dir.File("app.db"), "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER PRIMARY KEY); INSERT INTO a VALUES (1); INSERT INTO b VALUES (1);");
        SqliteFile.Exec(_dir.File("app_v2.db"), "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER PRIMARY KEY); INSERT INTO b VALUES (41), (42);");
        // The state a kill leaves after the schema phase created table a (and saved its progress) but not yet b.
        await using (var state = SqliteStateStore.Open(_dir.File(".cutover/ab/state.db"), create: true)!)
        {
            var run = await state.StartRunAsync("ab", "hash", CancellationToken.None);
            await state.UpdateRunAsync(run with { Phase = Phases.Schema, Status = RunStatus.Running }, CancellationToken.None);
            await state.SaveProgressAsync(new EntityProgress(run.Id, "a", 1, 0, 0, 0, null, 0, "pending", 0), CancellationToken.None);
        }

        var result = await MigrateAsync("name: ab\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: a\n  - table: b\n");

        Assert.Equal("TARGET_NOT_EMPTY", result.ErrorCode);
        Assert.Contains("'b' already holds 2 rows", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2L, SqliteFile.Scalar(_dir.File("app_v2.db"), "SELECT COUNT(*) FROM b"));
    }

    [Fact]
    public async Task RunAsync_CopiesRows_AndPublishesRowCountersOnTheCutoverMeter()
    {
        SqliteFile.Exec(_dir.File("app.db"), "CREATE TABLE items (id INTEGER PRIMARY KEY, qty TEXT)");
        SqliteFile.InsertRows(_dir.File("app.db"), "items", ["id", "qty"], Enumerable.Range(1, 2500).Select(i => new object?[] { (long)i, i % 500 == 0 ? "bad" : i.ToString() }));
        var totals = new Dictionary<string, long>();
        var batches = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Cutover")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "entity" && (string?)t.Value == "items"))
            {
                lock (totals)
                {
                    totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
                }
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => Interlocked.Increment(ref batches));
        listener.Start();

        var result = await MigrateAsync("""
            name: items
            source: sqlite:./app.db
            target: sqlite:./app_v2.db
            batch_size: 1000
            on_error: skip
            entities:
              - table: items
                columns:
                  qty: { type: integer }
            """);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(5, result.RowsRejected);
        Assert.Equal(2500, totals["cutover.rows.read"]);
        Assert.Equal(2495, totals["cutover.rows.written"]);
        Assert.Equal(5, totals["cutover.rows.rejected"]);
        Assert.True(batches >= 3, $"expected a duration per batch, saw {batches}");
        Assert.Equal(7, result.ExitCode);
    }
}

using Cutover.Connectors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Sqlite.Tests.Support;
using Cutover.State;
using Cutover.Testing.Conformance;
using Cutover.Throttling;

namespace Cutover.Sqlite.Tests;

/// <summary>The throttle and the operator's pause, on a real plan and state store, with a fake clock instead of sleeps.</summary>
public sealed class ThrottlerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeClock _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private async Task<MigrationContext> OpenAsync(string throttle = "")
    {
        SqliteFile.Exec(_dir.File("app.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        var file = _dir.File("cutover.yaml");
        File.WriteAllText(file, $"name: p\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\n{throttle}\nentities:\n  - table: t\n");
        var plan = PlanLoader.Load(file);
        return await MigrationSession.OpenAsync(plan, new StoreRegistry([new SqliteStoreProvider()]),
            (path, create) => SqliteStateStore.Open(path, create), SessionMode.Write, null, null, _clock, CancellationToken.None);
    }

    [Fact]
    public async Task BeforeBatch_WhilePaused_WaitsUntilResumed()
    {
        await using var ctx = await OpenAsync();
        var state = ctx.RequireState();
        await state.SetValueAsync(ControlKeys.Paused, "true", CancellationToken.None);
        var throttler = new Throttler(ctx, "copy t");

        var batch = throttler.BeforeBatchAsync(CancellationToken.None);
        await _clock.WaitForWaitersAsync();
        _clock.Advance(TimeSpan.FromSeconds(10));
        await _clock.WaitForWaitersAsync();
        Assert.False(batch.IsCompleted);

        await state.SetValueAsync(ControlKeys.Paused, null, CancellationToken.None);
        _clock.Advance(Throttler.PauseCheckInterval);
        await batch.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(throttler.Waited >= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task BeforeBatch_NotPaused_GoesAtOnce()
    {
        await using var ctx = await OpenAsync();
        var throttler = new Throttler(ctx, "copy t");

        await throttler.BeforeBatchAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, throttler.Waited);
    }

    [Fact]
    public async Task AfterBatch_SlowerThanMaxTargetLatency_WaitsForTheOverrun()
    {
        await using var ctx = await OpenAsync("throttle: { max_target_latency: 200ms }");
        var throttler = new Throttler(ctx, "copy t");

        await throttler.AfterBatchAsync(100, TimeSpan.FromMilliseconds(150), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, throttler.Waited);

        var slow = throttler.AfterBatchAsync(100, TimeSpan.FromMilliseconds(700), CancellationToken.None);
        await _clock.WaitForWaitersAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(slow.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await slow.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(500), throttler.Waited);
    }

    [Fact]
    public async Task AfterBatch_RowsPerSecond_KeepsTheRateUnderTheCap()
    {
        await using var ctx = await OpenAsync("throttle: { rows_per_second: 1000 }");
        var throttler = new Throttler(ctx, "copy t");

        // 500 rows at once is half a second's worth: the batch after it waits out the rest of that half second.
        var first = throttler.AfterBatchAsync(500, TimeSpan.Zero, CancellationToken.None);
        await _clock.WaitForWaitersAsync();
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(500), throttler.Waited);
    }
}

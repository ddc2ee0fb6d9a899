using Cutover.Connectors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;

namespace Cutover.Throttling;

/// <summary>
/// Paces the copy and sync between batches: waits while an operator has paused the plan (<c>cutover pause</c>, read from
/// the state store at most every <see cref="PauseCheckInterval"/>), while the target reports replica lag above
/// <c>throttle.max_lag</c>, after a batch slower than <c>throttle.max_target_latency</c> (for as long again as it overran),
/// and to keep under <c>throttle.rows_per_second</c>. Every wait uses the context's <see cref="TimeProvider"/>.
/// </summary>
public sealed class Throttler(MigrationContext ctx, string what, ITargetStore? writer = null)
{
    /// <summary>The store written to: the command's target, or the source when sync runs the way back.</summary>
    private readonly ITargetStore _writer = writer ?? ctx.Target;

    public static readonly TimeSpan PauseCheckInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private readonly ThrottleOptions _options = ctx.Plan.Throttle;
    private DateTimeOffset _nextPauseCheck = DateTimeOffset.MinValue;
    private DateTimeOffset _rateStart = DateTimeOffset.MinValue;
    private long _rateRows;

    /// <summary>Total time spent waiting (pause and throttling).</summary>
    public TimeSpan Waited { get; private set; }

    /// <summary>Call before each batch: returns once the batch may go.</summary>
    public async Task BeforeBatchAsync(CancellationToken ct)
    {
        await WaitWhilePausedAsync(ct).ConfigureAwait(false);
        if (_options.MaxLag is { } maxLag)
        {
            var announced = false;
            while (await _writer.ReplicaLagAsync(ct).ConfigureAwait(false) is { } lag && lag > maxLag)
            {
                if (!announced)
                {
                    ctx.Observer.Info($"{what}: target replica lag {DurationText.Format(lag)} is above throttle.max_lag {DurationText.Format(maxLag)}; waiting");
                    announced = true;
                }
                await DelayAsync(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Call after each batch with its row count and how long writing it took.</summary>
    public async Task AfterBatchAsync(int rows, TimeSpan writeTime, CancellationToken ct)
    {
        if (_options.MaxTargetLatency is { } limit && writeTime > limit)
        {
            await DelayAsync(Min(writeTime - limit, MaxWait), ct).ConfigureAwait(false);
        }
        if (_options.RowsPerSecond > 0)
        {
            var now = ctx.Time.GetUtcNow();
            if (_rateStart == DateTimeOffset.MinValue || now - _rateStart > TimeSpan.FromSeconds(10))
            {
                // A fresh window now and then, so a long idle spell does not earn a burst.
                _rateStart = now;
                _rateRows = 0;
            }
            _rateRows += rows;
            var due = _rateStart + TimeSpan.FromSeconds((double)_rateRows / _options.RowsPerSecond);
            if (due > now)
            {
                await DelayAsync(Min(due - now, MaxWait), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits while the plan is paused. Announces the pause once and the resume once.</summary>
    public async Task WaitWhilePausedAsync(CancellationToken ct)
    {
        var state = ctx.State;
        if (state is null || ctx.Time.GetUtcNow() < _nextPauseCheck)
        {
            return;
        }
        var announced = false;
        while (await state.GetValueAsync(ControlKeys.Paused, ct).ConfigureAwait(false) == "true")
        {
            if (!announced)
            {
                ctx.Observer.Info($"{what}: paused by an operator; waiting for 'cutover resume'");
                announced = true;
            }
            await DelayAsync(PauseCheckInterval, ct).ConfigureAwait(false);
        }
        if (announced)
        {
            ctx.Observer.Info($"{what}: resumed");
        }
        _nextPauseCheck = ctx.Time.GetUtcNow() + PauseCheckInterval;
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        var start = ctx.Time.GetUtcNow();
        await Task.Delay(delay, ctx.Time, ct).ConfigureAwait(false);
        Waited += ctx.Time.GetUtcNow() - start;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

namespace Cutover.Core.Tests.Ids;

/// <summary>
/// A settable clock for tests (Microsoft.Extensions.TimeProvider.Testing is not available). A timer (Task.Delay, a
/// retry's backoff) does not wait: the clock jumps ahead by its due time, the delay is recorded, and it fires at once.
/// </summary>
internal sealed class FakeTimeProvider : TimeProvider
{
    public FakeTimeProvider(DateTimeOffset now) => Now = now;

    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;

    public void SetUnixMs(long ms) => Now = DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>The due time of every timer created, in order (a retry's backoff delays).</summary>
    public List<TimeSpan> Delays { get; } = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FiredTimer();
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Delays.Add(dueTime);
            Now += dueTime;
            callback(state);
        }
        return timer;
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

namespace Cutover.Testing.Conformance;

/// <summary>
/// A clock a test moves by hand, with timers: <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> on it
/// completes only when <see cref="Advance"/> passes its due time. <see cref="Waiters"/> says how many timers are pending, so
/// a test can wait until the code under test is waiting.
/// </summary>
public sealed class FakeClock(DateTimeOffset now) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public int Waiters
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    /// <summary>Moves time on and fires every timer that falls due (outside the lock, in due order).</summary>
    public void Advance(TimeSpan by)
    {
        List<FakeTimer> due;
        lock (_lock)
        {
            _now += by;
            due = _timers.Where(t => t.Due <= _now).OrderBy(t => t.Due).ToList();
            foreach (var t in due)
            {
                t.Due = t.Period is { } p && p > TimeSpan.Zero ? _now + p : null;
            }
        }
        foreach (var t in due)
        {
            t.Fire();
        }
    }

    /// <summary>Waits (in real time, at most 10 s) until at least <paramref name="count"/> timers are pending.</summary>
    public async Task WaitForWaitersAsync(int count = 1)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (Waiters < count)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"no {count} timers pending after 10 s (now {Waiters})");
            }
            await Task.Delay(5);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var t = new FakeTimer(this, callback, state);
        t.Change(dueTime, period);
        return t;
    }

    private sealed class FakeTimer(FakeClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                if (!clock._timers.Contains(this))
                {
                    clock._timers.Add(this);
                }
            }
            return true;
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

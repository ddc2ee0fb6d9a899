namespace Cutover.Routing.Breach;

/// <summary>
/// Watches the new side's calls over a sliding window (on <see cref="TimeProvider"/>) and reports a breach when the error
/// rate or p99 latency crosses <see cref="BreachOptions"/>. After a breach the window starts empty, so one bad spell is
/// reported once rather than on every call until the control change reaches the router.
/// </summary>
public sealed class BreachMonitor
{
    private readonly BreachOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Queue<(DateTimeOffset At, bool Ok, double Ms)> _calls = new();
    private readonly double _maxP99Ms;

    // Kept as calls enter and leave the window, so a call costs O(1) and the window is sorted only for a report.
    private int _failures;
    private int _slow;

    public BreachMonitor(BreachOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid breach options: " + string.Join(" ", errors), nameof(options));
        }
        _options = options;
        _time = time;
        _maxP99Ms = options.MaxP99.TotalMilliseconds;
    }

    public BreachOptions Options => _options;

    /// <summary>Raised (on the recording caller's thread) with the figures when a breach is found.</summary>
    public event Action<BreachReport>? Breached;

    /// <summary>Records one call of the new side; returns the breach it caused, if it did.</summary>
    public BreachReport? Record(bool succeeded, TimeSpan latency)
    {
        BreachReport? report;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var ms = latency.TotalMilliseconds;
            _calls.Enqueue((now, succeeded, ms));
            Count(succeeded, ms, +1);
            Prune(now);
            report = Evaluate(now);
            if (report is not null)
            {
                _calls.Clear();
                (_failures, _slow) = (0, 0);
            }
        }
        if (report is not null)
        {
            Breached?.Invoke(report);
        }
        return report;
    }

    /// <summary>The window's figures now, breach or not (calls, failures, error rate, p99 in ms).</summary>
    public (int Calls, int Failures, double ErrorRate, double P99Ms) Snapshot()
    {
        lock (_lock)
        {
            Prune(_time.GetUtcNow());
            return Figures();
        }
    }

    private void Prune(DateTimeOffset now)
    {
        while (_calls.Count > 0 && _calls.Peek().At <= now - _options.Window)
        {
            var (_, ok, ms) = _calls.Dequeue();
            Count(ok, ms, -1);
        }
    }

    private void Count(bool ok, double ms, int by)
    {
        _failures += ok ? 0 : by;
        _slow += ms > _maxP99Ms ? by : 0;
    }

    private BreachReport? Evaluate(DateTimeOffset now)
    {
        if (_calls.Count < _options.MinCalls)
        {
            return null;
        }
        // The nearest-rank p99 is above the limit exactly when the calls above it fill that rank and every one after it.
        var calls = _calls.Count;
        var p99Above = _slow >= calls - P99Rank(calls);
        if ((double)_failures / calls <= _options.MaxErrorRate && !p99Above)
        {
            return null;
        }
        var (_, failures, rate, p99) = Figures();
        return new BreachReport(calls, failures, rate, p99, _options.MaxErrorRate, _maxP99Ms, _options.Window, now);
    }

    private (int Calls, int Failures, double ErrorRate, double P99Ms) Figures()
    {
        var calls = _calls.Count;
        if (calls == 0)
        {
            return (0, 0, 0, 0);
        }
        var sorted = _calls.Select(c => c.Ms).Order().ToArray();
        return (calls, _failures, (double)_failures / calls, sorted[P99Rank(calls)]);
    }

    /// <summary>Nearest-rank p99: the index, in ascending order, of the smallest latency at or above 99 % of the calls.</summary>
    private static int P99Rank(int calls) => Math.Clamp((int)Math.Ceiling(0.99 * calls) - 1, 0, calls - 1);
}

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
            _calls.Enqueue((now, succeeded, latency.TotalMilliseconds));
            Prune(now);
            report = Evaluate(now);
            if (report is not null)
            {
                _calls.Clear();
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
            _calls.Dequeue();
        }
    }

    private BreachReport? Evaluate(DateTimeOffset now)
    {
        if (_calls.Count < _options.MinCalls)
        {
            return null;
        }
        var (calls, failures, rate, p99) = Figures();
        var maxP99 = _options.MaxP99.TotalMilliseconds;
        return rate > _options.MaxErrorRate || p99 > maxP99
            ? new BreachReport(calls, failures, rate, p99, _options.MaxErrorRate, maxP99, _options.Window, now)
            : null;
    }

    private (int Calls, int Failures, double ErrorRate, double P99Ms) Figures()
    {
        var calls = _calls.Count;
        if (calls == 0)
        {
            return (0, 0, 0, 0);
        }
        var failures = _calls.Count(c => !c.Ok);
        var sorted = _calls.Select(c => c.Ms).Order().ToArray();
        // Nearest-rank p99: the smallest latency at or above 99 % of the calls.
        var rank = (int)Math.Ceiling(0.99 * calls) - 1;
        return (calls, failures, (double)failures / calls, sorted[Math.Clamp(rank, 0, calls - 1)]);
    }
}

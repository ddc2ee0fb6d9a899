using Cutover.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cutover.Routing.Control;

/// <summary>
/// Polls the state store's <see cref="ControlKeys.Routing"/> value every <see cref="Interval"/> (500 ms by default, on a
/// <see cref="TimeProvider"/> timer) and exposes the latest control, so an app sees a CLI change within one second.
/// Until a value is stored the control is <see cref="RoutingControl.Initial"/> (legacy). A value that does not parse, or a
/// poll that fails, keeps the last good control and is reported in <see cref="LastError"/>: routing never stops because
/// the state store blinked.
/// </summary>
public sealed class RoutingControlSource : IRoutingControlSource, IAsyncDisposable, IDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(500);

    private readonly IStateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;
    private volatile RoutingControl _current;
    private int _polling;

    /// <param name="logger">Told every change applied (information) and every new problem reading the control (warning, once until it clears).</param>
    public RoutingControlSource(IStateStore store, TimeProvider time, TimeSpan? interval = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        Interval = interval ?? DefaultInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero, nameof(interval));
        _store = store;
        _time = time;
        _log = logger ?? NullLogger.Instance;
        _current = RoutingControl.Initial(time.GetUtcNow());
    }

    public TimeSpan Interval { get; }

    public RoutingControl Current => _current;

    /// <summary>Why the last poll kept the previous control, or null when it read a good one.</summary>
    public string? LastError
    {
        get => _lastError;
        private set
        {
            if (value is not null && value != _lastError)
            {
                RoutingLog.ControlProblem(_log, value);
            }
            _lastError = value;
        }
    }

    private volatile string? _lastError;

    /// <summary>Raised after a poll that found a control with another version, stage, lead, percentage or thresholds than the current one.</summary>
    public event Action<RoutingControl>? Changed;

    /// <summary>Starts polling: the first poll at once, then every <see cref="Interval"/>.</summary>
    public void Start() => _timer ??= _time.CreateTimer(static s => ((RoutingControlSource)s!).OnTick(), this, TimeSpan.Zero, Interval);

    /// <summary>Reads the stored control once and applies it.</summary>
    public async Task PollAsync(CancellationToken ct)
    {
        string? json;
        try
        {
            json = await _store.GetValueAsync(ControlKeys.Routing, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LastError = "could not read the routing control: " + e.Message;
            return;
        }
        if (string.IsNullOrWhiteSpace(json))
        {
            // Absent: still the initial control, or cleared after one was seen; a cleared key is no reason to re-route.
            LastError = _current.Version == 0 ? null : "the routing control was removed; keeping the last one";
            return;
        }
        var next = RoutingControl.Parse(json);
        LastError = next is null ? "the stored routing control is not valid JSON of stage, lead and percentages; keeping the last one" : null;
        if (next is null || next == _current)
        {
            return;
        }
        var changed = next.Version != _current.Version || next.Stage != _current.Stage || next.Lead != _current.Lead
            || next.ReadPercent != _current.ReadPercent || next.WritePercent != _current.WritePercent || next.Thresholds != _current.Thresholds;
        _current = next;
        if (changed)
        {
            RoutingLog.ControlChanged(_log, next.Version, RoutingLog.Describe(next), next.Reason ?? "no reason given");
            Changed?.Invoke(next);
        }
    }

    private void OnTick()
    {
        // A slow store must not pile polls up: skip a tick while one is still running.
        if (Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return;
        }
        _ = RunAsync();

        async Task RunAsync()
        {
            try
            {
                await PollAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                Volatile.Write(ref _polling, 0);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _timer?.Dispose();
        _stop.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

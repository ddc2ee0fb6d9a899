using System.Runtime.ExceptionServices;
using Cutover.Ids;
using Cutover.Routing.Breach;
using Cutover.Routing.Conflicts;
using Cutover.Routing.Control;
using Cutover.Routing.Outcomes;
using Cutover.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Cutover.Routing;

/// <summary>
/// An <see cref="IMigrationTarget{TKey, TValue}"/> over an old and a new one, routing every call by the current
/// <see cref="RoutingControl"/>: legacy (old only), dual-write (both written at once, the leader's result returned),
/// shadow (both written with old leading; reads from both, compared, old returned), live (both written, new leading and
/// serving reads), ramp-down and complete (new only). A follower's failure is never thrown: it is recorded as a partial
/// write in the <see cref="IConflictJournal"/>. The new side runs behind a circuit breaker and a <see cref="BreachMonitor"/>
/// that rolls the control back through an <see cref="IRoutingControlWriter"/> when its thresholds are crossed.
/// </summary>
public sealed class MigrationRouter<TKey, TValue> : IMigrationTarget<TKey, TValue>
    where TKey : notnull
{
    private readonly IMigrationTarget<TKey, TValue> _old;
    private readonly IMigrationTarget<TKey, TValue> _new;
    private readonly IRoutingControlSource _control;
    private readonly MigrationRouterOptions<TKey, TValue> _options;
    private readonly IConflictJournal _conflicts;
    private readonly IWriteObserver? _observer;
    private readonly RoutingMetrics _metrics;
    private readonly IRoutingControlWriter? _controlWriter;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _newGuard;
    private readonly UlidGenerator _ids;
    private readonly ILogger _log;
    private long _journalFailures;

    /// <param name="oldTarget">The store being migrated from.</param>
    /// <param name="newTarget">The store being migrated to; guarded by the breaker and watched by the breach monitor.</param>
    /// <param name="control">Where the current stage, lead and percentages come from.</param>
    /// <param name="options">Key text, shadow comparison, breach thresholds and breaker; defaults when null.</param>
    /// <param name="conflicts">Where partial writes and shadow mismatches go; in memory when null.</param>
    /// <param name="observer">Told every dual write's outcome; optional.</param>
    /// <param name="metrics">The instruments; a private meter when null.</param>
    /// <param name="controlWriter">Used to step back or freeze on a breach; without one a breach is only reported.</param>
    /// <param name="time">The clock for latencies, windows and the breaker; the system clock when null.</param>
    /// <param name="logger">Told partial writes, both-failed writes, shadow mismatches, breaches and journal failures (keys, never values).</param>
    public MigrationRouter(
        IMigrationTarget<TKey, TValue> oldTarget,
        IMigrationTarget<TKey, TValue> newTarget,
        IRoutingControlSource control,
        MigrationRouterOptions<TKey, TValue>? options = null,
        IConflictJournal? conflicts = null,
        IWriteObserver? observer = null,
        RoutingMetrics? metrics = null,
        IRoutingControlWriter? controlWriter = null,
        TimeProvider? time = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(oldTarget);
        ArgumentNullException.ThrowIfNull(newTarget);
        ArgumentNullException.ThrowIfNull(control);
        _old = oldTarget;
        _new = newTarget;
        _control = control;
        _options = options ?? new();
        _conflicts = conflicts ?? new InMemoryConflictJournal();
        _observer = observer;
        _metrics = metrics ?? new RoutingMetrics();
        _controlWriter = controlWriter;
        _time = time ?? TimeProvider.System;
        _ids = new UlidGenerator(_time);
        _log = logger ?? NullLogger.Instance;
        _ownMonitor = _options.Breach is { } breach ? new BreachMonitor(breach, _time) : null;
        _newGuard = _options.NewSideBreaker is { } breaker
            ? new ResiliencePipelineBuilder { TimeProvider = _time }.AddCircuitBreaker(breaker).Build()
            : ResiliencePipeline.Empty;
    }

    /// <summary>
    /// The control this router follows: the one it stepped back to itself, until the control source shows that version (or a
    /// later one), so calls stop going to a failing new store at once rather than at the next poll.
    /// </summary>
    private RoutingControl Current => _pending is { } p && p.Version > _control.Current.Version ? p : _control.Current;

    private volatile RoutingControl? _pending;

    private readonly BreachMonitor? _ownMonitor;
    private volatile PlanMonitor? _planMonitor;

    /// <summary>
    /// The new side's breach monitor: one on the plan's thresholds while the control carries them (<see cref="RoutingControl.Thresholds"/>,
    /// a fresh window whenever they change), otherwise one on <see cref="MigrationRouterOptions{TKey, TValue}.Breach"/>, or null when that is null.
    /// </summary>
    public BreachMonitor? Monitor => MonitorFor(Current);

    private BreachMonitor? MonitorFor(RoutingControl control)
    {
        if (control.Thresholds is not { } thresholds)
        {
            return _ownMonitor;
        }
        var slot = _planMonitor;
        if (slot is not null && slot.Thresholds == thresholds)
        {
            return slot.Monitor;
        }
        BreachMonitor fresh;
        try
        {
            fresh = new BreachMonitor(BreachOptions.From(thresholds), _time);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            // Thresholds no monitor can take (a control written by hand): this router keeps its own rather than failing calls.
            RoutingLog.ControlProblem(_log, $"the control's breach thresholds cannot be applied ({e.Message}); using the application's own");
            return _ownMonitor;
        }
        Interlocked.CompareExchange(ref _planMonitor, new PlanMonitor(thresholds, fresh), slot);
        return _planMonitor!.Monitor;
    }

    private sealed record PlanMonitor(RoutingThresholds Thresholds, BreachMonitor Monitor);

    /// <summary>
    /// Raised (on the caller's thread that recorded it) with every breach of the new side and the control it led to (null: no
    /// writer, nothing written, or this router had already stepped back). Unlike <see cref="BreachMonitor.Breached"/> it
    /// survives the monitor being replaced when the plan's thresholds change.
    /// </summary>
    public event Action<BreachReport, RoutingControl?>? Breached;

    /// <summary>The last breach and the control it led to (null control: no writer, or nothing written).</summary>
    public (BreachReport Report, RoutingControl? Applied)? LastBreach { get; private set; }

    /// <summary>Conflicts the journal refused (they are counted, never thrown at the caller).</summary>
    public long JournalFailures => Interlocked.Read(ref _journalFailures);

    public async ValueTask<TValue?> ReadAsync(TKey key, CancellationToken ct)
    {
        var control = Current;
        var keyText = _options.KeyText(key);
        switch (control.Stage)
        {
            case RoutingControl.Shadow:
                return await ShadowReadAsync(key, keyText, ct).ConfigureAwait(false);
            case RoutingControl.DualWrite or RoutingControl.Live:
                {
                    // Reads follow the write leader; while old leads, the read percentage moves a sticky share of keys to new.
                    var newLeads = control.Stage == RoutingControl.Live || control.Lead == RoutingControl.LeadNew;
                    var side = newLeads || StickyRouting.IsNew(keyText, control.ReadPercent) ? RoutingSide.New : RoutingSide.Old;
                    return await ReadOneAsync(side, key, ct).ConfigureAwait(false);
                }
            case RoutingControl.RampDown or RoutingControl.Complete:
                return await ReadOneAsync(RoutingSide.New, key, ct).ConfigureAwait(false);
            default:
                return await ReadOneAsync(RoutingSide.Old, key, ct).ConfigureAwait(false);
        }
    }

    public ValueTask WriteAsync(TKey key, TValue value, CancellationToken ct) =>
        MutateAsync(key, WriteOperation.Write, (t, c) => t.WriteAsync(key, value, c), ct);

    public ValueTask DeleteAsync(TKey key, CancellationToken ct) =>
        MutateAsync(key, WriteOperation.Delete, (t, c) => t.DeleteAsync(key, c), ct);

    private async ValueTask MutateAsync(
        TKey key, WriteOperation op, Func<IMigrationTarget<TKey, TValue>, CancellationToken, ValueTask> call, CancellationToken ct)
    {
        var control = Current;
        var keyText = _options.KeyText(key);
        var opName = op == WriteOperation.Write ? "write" : "delete";
        var routedNew = StickyRouting.IsNew(keyText, control.WritePercent);
        RoutingSide? leader = control.Stage switch
        {
            RoutingControl.DualWrite when routedNew => control.Lead == RoutingControl.LeadNew ? RoutingSide.New : RoutingSide.Old,
            RoutingControl.Shadow when routedNew => RoutingSide.Old,
            RoutingControl.Live => RoutingSide.New,
            _ => null,
        };
        if (leader is null)
        {
            var side = control.Stage is RoutingControl.RampDown or RoutingControl.Complete ? RoutingSide.New : RoutingSide.Old;
            var single = await RunAsync(side, opName, Unit(call), ct).ConfigureAwait(false);
            _metrics.Write(single.Error is null ? WriteOutcomeKind.BothSucceeded : WriteOutcomeKind.BothFailed);
            Rethrow(single.Error);
            return;
        }

        var start = _time.GetTimestamp();
        // Both sides start before either is awaited, so their latencies overlap instead of adding up.
        var oldTask = StartOld(opName, Unit(call), ct);
        var newTask = RunAsync(RoutingSide.New, opName, Unit(call), ct);
        var (o, n) = (await oldTask.ConfigureAwait(false), await newTask.ConfigureAwait(false));
        var dualMs = _time.GetElapsedTime(start).TotalMilliseconds;

        var kind = (o.Error, n.Error) switch
        {
            (null, null) => WriteOutcomeKind.BothSucceeded,
            (not null, not null) => WriteOutcomeKind.BothFailed,
            _ => WriteOutcomeKind.Partial,
        };
        RoutingSide? failed = kind == WriteOutcomeKind.Partial ? (o.Error is not null ? RoutingSide.Old : RoutingSide.New) : null;
        var error = failed switch
        {
            RoutingSide.Old => Describe(o.Error!),
            RoutingSide.New => Describe(n.Error!),
            _ => kind == WriteOutcomeKind.BothFailed ? $"old: {Describe(o.Error!)}; new: {Describe(n.Error!)}" : null,
        };
        var at = _time.GetUtcNow();
        _metrics.Latency("dual", opName, dualMs);
        _metrics.Write(kind);
        _observer?.OnWrite(new WriteOutcome(keyText, op, kind, leader.Value, failed, error, dualMs, at));
        if (kind == WriteOutcomeKind.BothFailed)
        {
            RoutingLog.BothFailed(_log, opName, _options.Entity, keyText, error!);
        }
        if (failed is not null)
        {
            RoutingLog.PartialWrite(_log, opName, _options.Entity, keyText, failed == RoutingSide.Old ? "old" : "new", error!);
            await JournalAsync(new RoutingConflict(_ids.Next(at).ToString(), keyText, ConflictKinds.PartialWrite, failed, error, [], at))
                .ConfigureAwait(false);
        }
        Rethrow(leader == RoutingSide.Old ? o.Error : n.Error);
    }

    private async ValueTask<TValue?> ReadOneAsync(RoutingSide side, TKey key, CancellationToken ct)
    {
        var r = await RunAsync(side, "read", (t, c) => t.ReadAsync(key, c), ct).ConfigureAwait(false);
        Rethrow(r.Error);
        return r.Value;
    }

    private async ValueTask<TValue?> ShadowReadAsync(TKey key, string keyText, CancellationToken ct)
    {
        var start = _time.GetTimestamp();
        var oldTask = StartOld("read", (t, c) => t.ReadAsync(key, c), ct);
        var newTask = RunAsync(RoutingSide.New, "read", (t, c) => t.ReadAsync(key, c), ct);
        var (o, n) = (await oldTask.ConfigureAwait(false), await newTask.ConfigureAwait(false));
        _metrics.Latency("dual", "read", _time.GetElapsedTime(start).TotalMilliseconds);
        Rethrow(o.Error);

        IReadOnlyList<string>? differing;
        string? error = null;
        if (n.Error is not null)
        {
            differing = [];
            error = Describe(n.Error);
        }
        else if (_options.Diff is { } diff)
        {
            differing = diff(o.Value, n.Value) is { Count: > 0 } fields ? fields : null;
        }
        else
        {
            differing = _options.Comparer.Equals(o.Value, n.Value) ? null : [];
        }
        if (differing is not null)
        {
            var at = _time.GetUtcNow();
            var failed = error is null ? (RoutingSide?)null : RoutingSide.New;
            RoutingLog.ShadowMismatch(_log, _options.Entity, keyText, string.Join(", ", differing), error is null ? "" : $" (the new side failed: {error})");
            await JournalAsync(new RoutingConflict(_ids.Next(at).ToString(), keyText, ConflictKinds.ShadowMismatch, failed, error, differing, at))
                .ConfigureAwait(false);
        }
        return o.Value;
    }

    /// <summary>The old side's half of a call to both: on the thread pool with <c>OffloadCalls</c>, so a synchronous store overlaps.</summary>
    private Task<SideResult<T>> StartOld<T>(
        string op, Func<IMigrationTarget<TKey, TValue>, CancellationToken, ValueTask<T>> call, CancellationToken ct) =>
        _options.OffloadCalls
            ? Task.Run(() => RunAsync(RoutingSide.Old, op, call, ct), CancellationToken.None)
            : RunAsync(RoutingSide.Old, op, call, ct);

    private async Task<SideResult<T>> RunAsync<T>(
        RoutingSide side, string op, Func<IMigrationTarget<TKey, TValue>, CancellationToken, ValueTask<T>> call, CancellationToken ct)
    {
        var start = _time.GetTimestamp();
        T? value = default;
        Exception? error = null;
        try
        {
            value = side == RoutingSide.Old
                ? await call(_old, ct).ConfigureAwait(false)
                : await _newGuard.ExecuteAsync(static (s, c) => s.call(s.target, c), (call, target: _new), ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }
        var elapsed = _time.GetElapsedTime(start);
        _metrics.Latency(side == RoutingSide.Old ? "old" : "new", op, elapsed.TotalMilliseconds);
        var cancelledByCaller = error is OperationCanceledException && ct.IsCancellationRequested;
        if (side == RoutingSide.New && !cancelledByCaller && Monitor is { } monitor && monitor.Record(error is null, elapsed) is { } breach)
        {
            await OnBreachAsync(monitor, breach).ConfigureAwait(false);
        }
        return new SideResult<T>(value, error);
    }

    private async ValueTask OnBreachAsync(BreachMonitor monitor, BreachReport breach)
    {
        var current = Current;
        if (_pending is { } pending && pending.Version > _control.Current.Version)
        {
            // This router already stepped back and has not seen its own change come back yet: one breach, one step back.
            LastBreach = (breach, null);
            Breached?.Invoke(breach, null);
            return;
        }
        var next = monitor.Options.OnBreach == OnBreach.StepBack
            ? RollbackPolicy.StepBack(current, breach) ?? RollbackPolicy.Freeze(current, breach)
            : RollbackPolicy.Freeze(current, breach);
        RoutingControl? applied = null;
        if (_controlWriter is not null)
        {
            try
            {
                // Not the caller's token: a rollback must not be lost because one request was cancelled.
                await _controlWriter.WriteAsync(next, next.Reason ?? breach.ToString(), CancellationToken.None).ConfigureAwait(false);
                applied = next;
                _pending = next;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The breach stays visible in LastBreach with no applied control; the caller's call is not failed for it.
                RoutingLog.BreachNotApplied(_log, _options.Entity, breach.ToString(), Describe(e));
            }
        }
        if (applied is not null)
        {
            RoutingLog.Breach(_log, _options.Entity, breach.ToString(), $"{RoutingLog.Describe(applied)} (version {applied.Version})");
        }
        else if (_controlWriter is null)
        {
            RoutingLog.BreachNotApplied(_log, _options.Entity, breach.ToString(), "no control writer is registered");
        }
        LastBreach = (breach, applied);
        Breached?.Invoke(breach, applied);
    }

    private async ValueTask JournalAsync(RoutingConflict conflict)
    {
        _metrics.Conflict(conflict.Kind);
        try
        {
            await _conflicts.RecordAsync(conflict, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _journalFailures);
            RoutingLog.JournalFailed(_log, _options.Entity, conflict.KeyText, conflict.Kind, Describe(e));
        }
    }

    private static Func<IMigrationTarget<TKey, TValue>, CancellationToken, ValueTask<bool>> Unit(
        Func<IMigrationTarget<TKey, TValue>, CancellationToken, ValueTask> call) =>
        async (t, c) =>
        {
            await call(t, c).ConfigureAwait(false);
            return true;
        };

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";

    private static void Rethrow(Exception? e)
    {
        if (e is not null)
        {
            ExceptionDispatchInfo.Capture(e).Throw();
        }
    }

    private readonly record struct SideResult<T>(T? Value, Exception? Error);
}

using System.Diagnostics.Metrics;
using Cutover.Routing.Outcomes;

namespace Cutover.Routing;

/// <summary>
/// The router's instruments on the meter <c>Cutover.Routing</c>: counters of writes (total, successful, partial,
/// failed) and conflicts found, and one latency histogram in milliseconds tagged <c>side</c> (<c>old</c>, <c>new</c>,
/// <c>dual</c>) and <c>op</c> (<c>read</c>, <c>write</c>, <c>delete</c>).
/// </summary>
public sealed class RoutingMetrics : IDisposable
{
    public const string MeterName = "Cutover.Routing";

    private readonly bool _ownsMeter;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _successful;
    private readonly Counter<long> _partial;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _conflicts;
    private readonly Histogram<double> _latency;

    /// <param name="meterFactory">Creates the meter (so DI owns it); without one the instance owns a new meter.</param>
    public RoutingMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _writes = Meter.CreateCounter<long>("cutover.routing.writes_total", description: "Writes and deletes through the router.");
        _successful = Meter.CreateCounter<long>("cutover.routing.writes_successful", description: "Writes every routed store took.");
        _partial = Meter.CreateCounter<long>("cutover.routing.writes_partial", description: "Dual writes one side took and the other did not.");
        _failed = Meter.CreateCounter<long>("cutover.routing.writes_failed", description: "Writes no routed store took.");
        _conflicts = Meter.CreateCounter<long>("cutover.routing.conflicts_found", description: "Partial writes and shadow mismatches recorded.");
        _latency = Meter.CreateHistogram<double>("cutover.routing.latency", unit: "ms", description: "Call duration per side, and of the dual call.");
    }

    public Meter Meter { get; }

    internal void Write(WriteOutcomeKind kind)
    {
        _writes.Add(1);
        switch (kind)
        {
            case WriteOutcomeKind.BothSucceeded:
                _successful.Add(1);
                break;
            case WriteOutcomeKind.Partial:
                _partial.Add(1);
                break;
            default:
                _failed.Add(1);
                break;
        }
    }

    internal void Conflict(string kind) => _conflicts.Add(1, new KeyValuePair<string, object?>("kind", kind));

    internal void Latency(string side, string op, double ms) =>
        _latency.Record(ms, new KeyValuePair<string, object?>("side", side), new KeyValuePair<string, object?>("op", op));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}

using System.Diagnostics.Metrics;

namespace Cutover.Internal;

/// <summary>
/// The engine's instruments, on the <c>Cutover</c> meter. Tags: <c>entity</c>. Any System.Diagnostics.Metrics
/// listener (OpenTelemetry, dotnet-counters, the control server's Prometheus endpoint later) can read them.
/// </summary>
internal static class CutoverMetrics
{
    public const string MeterName = "Cutover";

    private static readonly Meter Meter = new(MeterName, "0.1.0");

    public static readonly Counter<long> RowsRead = Meter.CreateCounter<long>("cutover.rows.read", "{row}", "Source rows read by the copy");

    public static readonly Counter<long> RowsWritten = Meter.CreateCounter<long>("cutover.rows.written", "{row}", "Rows committed to the target by the copy");

    public static readonly Counter<long> RowsRejected = Meter.CreateCounter<long>("cutover.rows.rejected", "{row}", "Rows refused and recorded as failures");

    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("cutover.batch.duration", "ms", "Time to write one batch and checkpoint it");

    public static readonly Counter<long> ChangesApplied = Meter.CreateCounter<long>("cutover.sync.changes", "{change}", "Captured changes applied by sync (tag: direction)");

    public static readonly Histogram<double> SyncLag = Meter.CreateHistogram<double>("cutover.sync.lag", "ms", "Time from the source recording a change to sync committing it on the other store (tag: direction)");

    public static readonly Counter<long> ConflictsResolved = Meter.CreateCounter<long>("cutover.conflicts.resolved", "{conflict}", "Dual-write conflicts cutover reconcile resolved (tags: entity, resolution)");

    private static long _pending;
    private static double _oldestAgeMs;

    /// <summary>Changes waiting to be applied, as sync last saw them.</summary>
    public static readonly ObservableGauge<long> SyncPending = Meter.CreateObservableGauge("cutover.sync.pending", () => Interlocked.Read(ref _pending), "{change}", "Captured changes not applied yet");

    /// <summary>Age of the oldest change waiting, as sync last saw it.</summary>
    public static readonly ObservableGauge<double> SyncOldestAge = Meter.CreateObservableGauge("cutover.sync.oldest_age", () => Volatile.Read(ref _oldestAgeMs), "ms", "Age of the oldest captured change not applied yet");

    public static void SetBacklog(long pending, double oldestAgeMs)
    {
        Interlocked.Exchange(ref _pending, pending);
        Volatile.Write(ref _oldestAgeMs, oldestAgeMs);
    }
}

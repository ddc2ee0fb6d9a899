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
}

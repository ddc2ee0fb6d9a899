namespace Cutover.Sync;

/// <summary>What one sync pass applied, and how far behind the source it ran (lag quantiles over the changes applied).</summary>
public sealed record SyncResult(
    SyncDirection Direction,
    long Changes,
    long Transactions,
    int Batches,
    long Rejected,
    double Seconds,
    double LagP50Ms,
    double LagP99Ms,
    double LagMaxMs,
    long Pending);

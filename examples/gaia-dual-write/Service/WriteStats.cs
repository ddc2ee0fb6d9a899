using Cutover.Routing.Outcomes;

namespace Gaia.Service;

/// <summary>
/// Counts what the API did: every write and delete the endpoints handled (the router's single-side writes included),
/// and, from the router as its <see cref="IWriteObserver"/>, how each dual write ended.
/// </summary>
public sealed class WriteStats : IWriteObserver
{
    private long _total;
    private long _failed;
    private long _dual;
    private long _bothSucceeded;
    private long _partial;
    private long _bothFailed;

    public long Total => Interlocked.Read(ref _total);
    public long Failed => Interlocked.Read(ref _failed);
    public long Dual => Interlocked.Read(ref _dual);
    public long BothSucceeded => Interlocked.Read(ref _bothSucceeded);
    public long Partial => Interlocked.Read(ref _partial);
    public long BothFailed => Interlocked.Read(ref _bothFailed);

    /// <summary>An endpoint handled a write or delete; <paramref name="succeeded"/> is what the caller was told.</summary>
    public void Handled(bool succeeded)
    {
        Interlocked.Increment(ref _total);
        if (!succeeded)
        {
            Interlocked.Increment(ref _failed);
        }
    }

    public void OnWrite(WriteOutcome outcome)
    {
        Interlocked.Increment(ref _dual);
        switch (outcome.Kind)
        {
            case WriteOutcomeKind.BothSucceeded:
                Interlocked.Increment(ref _bothSucceeded);
                break;
            case WriteOutcomeKind.Partial:
                Interlocked.Increment(ref _partial);
                break;
            default:
                Interlocked.Increment(ref _bothFailed);
                break;
        }
    }
}

namespace Cutover.Plan;

/// <summary>
/// The plan's <c>cutover:</c> block: when <c>cutover cutover</c> may switch authority and how it checks the target.
/// It refuses while more than <see cref="MaxPending"/> changes wait or the oldest is older than <see cref="MaxLag"/>;
/// gives up (unfreezing the source) when the changelog does not drain within <see cref="DrainTimeout"/>; and checks
/// the target with <see cref="Verify"/> while writes are frozen (counts by default, so the write pause stays short; run
/// <c>cutover verify</c> beforehand for checksums of every row).
/// </summary>
public sealed record CutoverOptions(TimeSpan MaxLag, long MaxPending, VerifyMode Verify, TimeSpan DrainTimeout)
{
    public static readonly CutoverOptions Default = new(TimeSpan.FromSeconds(5), 10_000, VerifyMode.Counts, TimeSpan.FromSeconds(30));
}

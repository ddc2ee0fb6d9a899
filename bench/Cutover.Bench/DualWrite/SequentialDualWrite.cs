using Cutover.Routing;

namespace Cutover.Bench.DualWrite;

/// <summary>
/// The peer: GitHub Scientist's way of running both code paths, one after the other. The old store is written and
/// awaited, then the new one; a failure of the new store is swallowed, as a follower's is in Cutover's router.
/// </summary>
internal sealed class SequentialDualWrite(IMigrationTarget<string, string> oldTarget, IMigrationTarget<string, string> newTarget)
{
    public async ValueTask WriteAsync(string key, string value, CancellationToken ct)
    {
        await oldTarget.WriteAsync(key, value, ct).ConfigureAwait(false);
        try
        {
            await newTarget.WriteAsync(key, value, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Scientist reports the candidate's exception and returns the control's result.
        }
    }
}

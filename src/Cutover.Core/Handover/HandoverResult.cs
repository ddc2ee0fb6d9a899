using Cutover.Sync;
using Cutover.Verification;

namespace Cutover.Handover;

/// <summary>
/// What a cut-over (or a rollback after one) did: the steps it ran with their times, how many changes it applied before
/// and during the freeze, what it verified, and the write pause: from the moment writes were frozen on the old
/// authority to the moment the new one took them. <see cref="FailedStep"/> names the step that failed (the old authority
/// then still holds, writable).
/// </summary>
public sealed record HandoverResult
{
    public required SyncDirection Direction { get; init; }
    public required string Authority { get; init; }
    public IReadOnlyList<(string Step, double Ms)> Steps { get; init; } = [];
    public long ChangesBeforeFreeze { get; init; }
    public long ChangesDrained { get; init; }
    public double PauseMs { get; init; }
    public IReadOnlyList<EntityVerification> Verification { get; init; } = [];
    public string? FailedStep { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }

    /// <summary>True when an interrupted hand-over was finished (its switch had already happened) rather than run from the start.</summary>
    public bool Finished { get; init; }

    public bool Ok => FailedStep is null;
}

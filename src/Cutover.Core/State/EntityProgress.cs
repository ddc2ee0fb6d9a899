namespace Cutover.State;

/// <summary>
/// Copy progress of one entity in one run. <see cref="Checkpoint"/> is the last source key whose batch is
/// committed on the target (KeyCodec JSON). <see cref="InFlight"/> counts rows after it that may already be on
/// the target because a crash came between the target commit and the checkpoint; a resume upserts those.
/// A large table copied by several jobs at once has one row per key range besides its own (see <see cref="Copy.CopyParts"/>):
/// such a row starts with <see cref="Checkpoint"/> at the range's exclusive lower bound and reads up to
/// <see cref="RangeEnd"/> (inclusive; null for the last range, which reads to the end).
/// </summary>
public sealed record EntityProgress(
    string RunId,
    string Entity,
    long Total,
    long Read,
    long Written,
    long Rejected,
    string? Checkpoint,
    int InFlight,
    string Status,
    double Seconds,
    string? RangeEnd = null);

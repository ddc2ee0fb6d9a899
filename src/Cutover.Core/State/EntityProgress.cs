namespace Cutover.State;

/// <summary>
/// Copy progress of one entity in one run. <see cref="Checkpoint"/> is the last source key whose batch is
/// committed on the target (KeyCodec JSON). <see cref="InFlight"/> counts rows after it that may already be on
/// the target because a crash came between the target commit and the checkpoint; a resume upserts those.
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
    double Seconds);

namespace Cutover.State;

/// <summary>
/// One divergence between the old and the new store that dual writes left (issue 6): a partial write (one side failed,
/// <see cref="FailedSide"/> and <see cref="Error"/> say which and why) or a shadow read whose two values differ
/// (<see cref="Fields"/> names the fields). <see cref="Entity"/> is the store the router wraps, <see cref="Key"/> the record's
/// key as text. Resolved with <see cref="Resolution"/> (old_wins, new_wins or manual) at <see cref="ResolvedAt"/>.
/// </summary>
public sealed record ConflictRecord(long Id, string Entity, string Key, string Kind, string? FailedSide, string? Error, IReadOnlyList<string> Fields, DateTimeOffset At)
{
    public const string PartialWrite = "partial_write";
    public const string ShadowMismatch = "shadow_mismatch";

    public const string OldWins = "old_wins";
    public const string NewWins = "new_wins";
    public const string Manual = "manual";

    public string? Resolution { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }
}

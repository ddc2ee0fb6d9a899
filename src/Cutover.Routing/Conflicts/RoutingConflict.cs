namespace Cutover.Routing.Conflicts;

/// <summary>
/// One place where the old and new store disagree, as found by the router: the key, <see cref="Kind"/> (one of
/// <see cref="ConflictKinds"/>), the side that failed and its error for a partial write, and the fields that differ
/// for a shadow mismatch (empty when the comparison only says "not equal").
/// </summary>
public sealed record RoutingConflict(
    string Id,
    string KeyText,
    string Kind,
    RoutingSide? FailedSide,
    string? Error,
    IReadOnlyList<string> DifferingFields,
    DateTimeOffset At);

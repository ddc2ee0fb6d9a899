namespace Cutover.Routing.Outcomes;

/// <summary>
/// What one dual write (or delete) did: <see cref="Kind"/>, which side led (its result is what the caller saw), which
/// side failed and why when it was partial, and how long the dual call took.
/// </summary>
public sealed record WriteOutcome(
    string KeyText,
    WriteOperation Operation,
    WriteOutcomeKind Kind,
    RoutingSide Leader,
    RoutingSide? FailedSide,
    string? Error,
    double DurationMs,
    DateTimeOffset At);

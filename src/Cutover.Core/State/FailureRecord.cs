namespace Cutover.State;

/// <summary>A row that could not be written: which entity, its source key (KeyCodec JSON), why.</summary>
public sealed record FailureRecord(
    long Id,
    string RunId,
    string Entity,
    string Key,
    string Code,
    string Message,
    DateTimeOffset At,
    DateTimeOffset? ResolvedAt);

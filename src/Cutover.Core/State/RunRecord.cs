namespace Cutover.State;

/// <summary>One attempt at a plan, from first <c>migrate</c> through resumes to completion or rollback.</summary>
public sealed record RunRecord(
    string Id,
    string PlanName,
    string PlanHash,
    string Phase,
    RunStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    string? ErrorCode,
    string? ErrorMessage,
    double ActiveSeconds);

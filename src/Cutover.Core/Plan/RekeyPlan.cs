namespace Cutover.Plan;

/// <summary>Replace the values of <paramref name="Column"/> with new ULIDs, time part from <paramref name="TimeFrom"/> when given.</summary>
public sealed record RekeyPlan(string Column, string To, string? TimeFrom, PlanLocation At);

namespace Cutover.Plan;

/// <summary><paramref name="Column"/> holds keys of <paramref name="Entity"/>; when that entity is re-keyed, values follow the id map.</summary>
public sealed record ReferencePlan(string Column, string Entity, PlanLocation At);

namespace Cutover.Plan;

/// <summary>A user's invariant: <paramref name="Sql"/> must return <paramref name="Expect"/> (compared as text).</summary>
public sealed record CheckPlan(string Name, string Sql, string Expect, CheckSide On, PlanLocation At);

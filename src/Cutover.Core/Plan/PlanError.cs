namespace Cutover.Plan;

/// <summary>One problem in a plan: where, what, and how to fix it.</summary>
public sealed record PlanError(PlanLocation At, string Message, string Fix)
{
    public override string ToString() => $"{At}: {Message}" + (Fix.Length > 0 ? $" ({Fix})" : "");
}

namespace Cutover.Plan;

/// <summary>A place in a plan file, 1-based, for error messages of the form <c>file:line:column</c>.</summary>
public readonly record struct PlanLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

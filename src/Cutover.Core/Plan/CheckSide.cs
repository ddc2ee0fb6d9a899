namespace Cutover.Plan;

/// <summary>Which store a custom check runs on.</summary>
public enum CheckSide
{
    Target,
    Source,
}

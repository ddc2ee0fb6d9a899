namespace Cutover.Routing;

/// <summary>Which of the two stores a call went to.</summary>
public enum RoutingSide
{
    Old,
    New,
}

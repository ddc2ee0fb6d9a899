namespace Cutover.Routing.Outcomes;

/// <summary>The kind of call a write outcome is about.</summary>
public enum WriteOperation
{
    Write,
    Delete,
}

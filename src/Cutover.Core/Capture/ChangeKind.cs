namespace Cutover.Capture;

/// <summary>What a captured change did to its row.</summary>
public enum ChangeKind
{
    Insert,
    Update,
    Delete,
}

namespace Cutover.State;

/// <summary>Where a run stands. Stored as lower-case text.</summary>
public enum RunStatus
{
    Running,
    Failed,
    Completed,
    RolledBack,
}

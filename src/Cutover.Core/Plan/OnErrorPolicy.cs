namespace Cutover.Plan;

/// <summary>What a run does with a row the target refuses.</summary>
public enum OnErrorPolicy
{
    /// <summary>Record the row and stop the run (default).</summary>
    Stop,

    /// <summary>Record the row and go on; <c>cutover retry</c> re-attempts it later.</summary>
    Skip,
}

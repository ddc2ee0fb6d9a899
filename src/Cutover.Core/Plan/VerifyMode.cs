namespace Cutover.Plan;

/// <summary>How much <c>migrate</c> proves before it calls a run complete (<c>verify:</c> in the plan). <c>cutover verify</c> always compares checksums.</summary>
public enum VerifyMode
{
    /// <summary>Every row read on both sides, transformed and hashed; counts and checksums compared (default).</summary>
    Checksums,

    /// <summary>Row counts only, on both sides (rows recorded as rejected left out of the source's).</summary>
    Counts,

    /// <summary>No verification in <c>migrate</c>; run <c>cutover verify</c> afterwards.</summary>
    None,
}

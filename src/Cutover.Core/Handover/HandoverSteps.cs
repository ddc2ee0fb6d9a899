namespace Cutover.Handover;

/// <summary>The steps of a hand-over, as recorded in the control state (<c>handover</c>) and reported.</summary>
public static class HandoverSteps
{
    public const string Prepare = "prepare";
    public const string CatchUp = "catch-up";
    public const string Freeze = "freeze";
    public const string Drain = "drain";
    public const string Verify = "verify";
    public const string Flip = "flip";
    public const string Unfreeze = "unfreeze";
}

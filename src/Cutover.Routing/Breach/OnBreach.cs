namespace Cutover.Routing.Breach;

/// <summary>What the router does with the control state when the new side breaches its thresholds.</summary>
public enum OnBreach
{
    /// <summary>Step one stage back (see <see cref="RollbackPolicy"/>).</summary>
    StepBack,

    /// <summary>Keep stage and percentages, and mark the control frozen so a rollout stops raising them.</summary>
    Freeze,
}

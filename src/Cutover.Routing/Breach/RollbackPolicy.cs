using Cutover.State;

namespace Cutover.Routing.Breach;

/// <summary>Where the control goes when the new side breaches.</summary>
public static class RollbackPolicy
{
    /// <summary>
    /// One step back: live → dual-write with old leading; dual-write with new leading → dual-write with old leading;
    /// dual-write with old leading and shadow → legacy. Every step back sets the read percentage to 0 so no reads are
    /// served by the failing side. Ramp-down and complete no longer write the old store, so stepping back would serve
    /// stale data: there, and in legacy, the result is null (nothing to step back to; the caller freezes instead).
    /// </summary>
    public static RoutingControl? StepBack(RoutingControl current, BreachReport breach)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(breach);
        var reason = "step back: " + breach;
        return current.Stage switch
        {
            RoutingControl.Live or RoutingControl.DualWrite when current.Stage == RoutingControl.Live || current.Lead == RoutingControl.LeadNew =>
                Next(current, RoutingControl.DualWrite, breach, reason),
            RoutingControl.DualWrite or RoutingControl.Shadow => Next(current, RoutingControl.Legacy, breach, reason),
            _ => null,
        };
    }

    /// <summary>The same stage, lead and percentages, marked frozen with the figures.</summary>
    public static RoutingControl Freeze(RoutingControl current, BreachReport breach)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(breach);
        return current with { Version = current.Version + 1, ChangedAt = breach.At, Reason = FrozenPrefix + breach };
    }

    /// <summary>How a frozen control's reason starts, so a rollout can tell it must not raise percentages.</summary>
    public const string FrozenPrefix = "frozen: ";

    private static RoutingControl Next(RoutingControl current, string stage, BreachReport breach, string reason) =>
        current with
        {
            Stage = stage,
            Lead = RoutingControl.LeadOld,
            ReadPercent = 0,
            Version = current.Version + 1,
            ChangedAt = breach.At,
            Reason = reason,
        };
}

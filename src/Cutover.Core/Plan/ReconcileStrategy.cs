using Cutover.State;

namespace Cutover.Plan;

/// <summary>
/// How <c>cutover reconcile</c> settles a dual-write conflict (issue 6): make the new store equal the old one, the old equal
/// the new, or change nothing and only re-check what an operator fixed by hand. Written <c>old-wins</c>, <c>new-wins</c>,
/// <c>manual</c> in the plan and on the command line.
/// </summary>
public enum ReconcileStrategy
{
    OldWins,
    NewWins,
    Manual,
}

/// <summary>The spellings of <see cref="ReconcileStrategy"/> and the side the routing control says leads.</summary>
public static class ReconcileStrategies
{
    public const string Choices = "old-wins, new-wins or manual";

    /// <summary><c>old-wins</c>, <c>new-wins</c>, <c>manual</c> (underscores accepted too), or null for anything else.</summary>
    public static ReconcileStrategy? Parse(string? text) => text?.Trim().Replace('_', '-').ToLowerInvariant() switch
    {
        "old-wins" => ReconcileStrategy.OldWins,
        "new-wins" => ReconcileStrategy.NewWins,
        "manual" => ReconcileStrategy.Manual,
        _ => null,
    };

    /// <summary>The plan's and the command line's spelling: <c>old-wins</c>.</summary>
    public static string Text(this ReconcileStrategy s) => s switch
    {
        ReconcileStrategy.OldWins => "old-wins",
        ReconcileStrategy.NewWins => "new-wins",
        _ => "manual",
    };

    /// <summary>In a sentence: <c>old wins</c>.</summary>
    public static string Words(this ReconcileStrategy s) => s.Text().Replace('-', ' ');

    /// <summary>The resolution recorded on a conflict it resolves: <see cref="ConflictRecord.OldWins"/> and so on.</summary>
    public static string Resolution(this ReconcileStrategy s) => s switch
    {
        ReconcileStrategy.OldWins => ConflictRecord.OldWins,
        ReconcileStrategy.NewWins => ConflictRecord.NewWins,
        _ => ConflictRecord.Manual,
    };

    /// <summary>
    /// The side that leads now wins: old in <c>legacy</c>, <c>shadow</c> and <c>dual-write</c> with old leading; new in
    /// <c>dual-write</c> with new leading, <c>live</c>, <c>ramp-down</c> and <c>complete</c>. The reason names the stage.
    /// </summary>
    public static (ReconcileStrategy Strategy, string Why) FromLeader(RoutingControl control)
    {
        var newLeads = control.Stage switch
        {
            RoutingControl.Live or RoutingControl.RampDown or RoutingControl.Complete => true,
            RoutingControl.DualWrite => control.Lead == RoutingControl.LeadNew,
            _ => false,
        };
        var stage = control.Stage == RoutingControl.DualWrite ? $"stage {control.Stage}, lead {control.Lead}" : $"stage {control.Stage}";
        return newLeads ? (ReconcileStrategy.NewWins, $"new leads: {stage}") : (ReconcileStrategy.OldWins, $"old leads: {stage}");
    }
}

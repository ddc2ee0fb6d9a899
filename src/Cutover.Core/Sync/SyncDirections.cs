namespace Cutover.Sync;

/// <summary>How a direction is named: the store changes come from, the store they go to, and the word in messages and metrics.</summary>
public static class SyncDirections
{
    /// <summary><c>source</c> for forward, <c>target</c> for reverse: the authoritative store changes come from.</summary>
    public static string From(this SyncDirection d) => d == SyncDirection.Forward ? "source" : "target";

    /// <summary>The store changes are applied to.</summary>
    public static string To(this SyncDirection d) => d == SyncDirection.Forward ? "target" : "source";

    /// <summary><c>forward</c> or <c>reverse</c>, as in metrics tags, state keys and progress lines.</summary>
    public static string Word(this SyncDirection d) => d == SyncDirection.Forward ? "forward" : "reverse";
}

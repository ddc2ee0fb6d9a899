namespace Cutover.Routing.Conflicts;

/// <summary>The kinds of <see cref="RoutingConflict"/>, as stored.</summary>
public static class ConflictKinds
{
    /// <summary>A dual write that one side took and the other did not: the stores now disagree on the key.</summary>
    public const string PartialWrite = "partial_write";

    /// <summary>A shadow read whose two answers differed (or whose new side failed).</summary>
    public const string ShadowMismatch = "shadow_mismatch";
}

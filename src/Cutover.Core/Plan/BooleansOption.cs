namespace Cutover.Plan;

/// <summary>What a column of 0/1 booleans becomes (<c>booleans:</c>).</summary>
public enum BooleansOption
{
    /// <summary>A boolean column where the target has one (PostgreSQL boolean); 0 is false, 1 is true, anything else is refused.</summary>
    Boolean,

    /// <summary>An integer column (PostgreSQL bigint), values kept as stored.</summary>
    Integer,
}

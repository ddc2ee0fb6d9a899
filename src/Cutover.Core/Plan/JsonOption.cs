namespace Cutover.Plan;

/// <summary>What a column's JSON becomes (<c>json:</c>).</summary>
public enum JsonOption
{
    /// <summary>Kept as text, byte for byte.</summary>
    Text,

    /// <summary>Parsed and kept by value (PostgreSQL jsonb): whitespace, key order and duplicate keys are normalised.</summary>
    Jsonb,
}

namespace Cutover.PostgreSql.Types;

/// <summary>How SQLite JSON columns land in PostgreSQL.</summary>
public enum JsonMapping
{
    /// <summary><c>text</c>, the JSON kept byte for byte (the default).</summary>
    Text,

    /// <summary><c>jsonb</c>: keeps the value, not the text (whitespace, key order and duplicate keys are normalised).</summary>
    Jsonb,
}

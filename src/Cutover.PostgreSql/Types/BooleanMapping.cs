namespace Cutover.PostgreSql.Types;

/// <summary>How SQLite BOOLEAN/BOOL columns (values stored as 0 and 1) land in PostgreSQL.</summary>
public enum BooleanMapping
{
    /// <summary><c>boolean</c>: 0 becomes false, 1 becomes true (the default).</summary>
    Boolean,

    /// <summary><c>bigint</c>, the stored 0/1 (or any other integer) kept as it is.</summary>
    Integer,
}

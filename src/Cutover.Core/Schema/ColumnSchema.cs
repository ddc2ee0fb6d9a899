namespace Cutover.Schema;

/// <summary>A column as the store declares it.</summary>
/// <param name="Name">Column name, exactly as stored.</param>
/// <param name="DeclaredType">Declared type text (may be empty: SQLite allows untyped columns).</param>
/// <param name="NotNull">Declared NOT NULL.</param>
/// <param name="DefaultSql">The DEFAULT expression as SQL text, or null.</param>
/// <param name="PrimaryKeyOrdinal">1-based position in the primary key, 0 when not part of it.</param>
public sealed record ColumnSchema(string Name, string DeclaredType, bool NotNull, string? DefaultSql, int PrimaryKeyOrdinal)
{
    /// <summary>What the column's values are: <see cref="ColumnKind.Dynamic"/> for SQLite, the type's kind for PostgreSQL.</summary>
    public ColumnKind Kind { get; init; }
}

namespace Cutover.Schema;

/// <summary>A table as read from a store by its inspector.</summary>
public sealed record TableSchema(
    string Name,
    IReadOnlyList<ColumnSchema> Columns,
    IReadOnlyList<string> PrimaryKey,
    IReadOnlyList<ForeignKeySchema> ForeignKeys,
    IReadOnlyList<IndexSchema> Indexes,
    bool HasRowid,
    bool AutoIncrement)
{
    /// <summary>Finds a column by exact name, then case-insensitively (SQL identifiers are case-insensitive).</summary>
    public ColumnSchema? FindColumn(string name) =>
        Columns.FirstOrDefault(c => c.Name == name)
        ?? Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}

namespace Cutover.Schema;

/// <summary>Everything an inspector found: tables and the names of views (views hold no data of their own).</summary>
public sealed record DatabaseSchema(IReadOnlyList<TableSchema> Tables, IReadOnlyList<string> Views)
{
    public TableSchema? FindTable(string name) =>
        Tables.FirstOrDefault(t => t.Name == name)
        ?? Tables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    public bool IsView(string name) => Views.Any(v => string.Equals(v, name, StringComparison.OrdinalIgnoreCase));
}

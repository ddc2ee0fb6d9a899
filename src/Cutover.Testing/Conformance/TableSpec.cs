namespace Cutover.Testing.Conformance;

/// <summary>A table a conformance test creates: its columns (each mapped to a declared type per engine) and its key.</summary>
public sealed record TableSpec(string Name, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<string> Key)
{
    public IReadOnlyList<string> ColumnNames => Columns.Select(c => c.Name).ToList();
}

namespace Cutover.Schema;

/// <summary>A foreign key: <paramref name="Columns"/> of this table reference <paramref name="RefColumns"/> of <paramref name="RefTable"/>.</summary>
public sealed record ForeignKeySchema(IReadOnlyList<string> Columns, string RefTable, IReadOnlyList<string> RefColumns);

namespace Cutover.Connectors;

/// <summary>
/// Rows of a table whose foreign key points at no parent row: how many, and the keys of the first few in key order
/// (the table's key, or its rowid when it is copied by rowid).
/// </summary>
public sealed record ForeignKeyViolations(long Count, IReadOnlyList<object?[]> SampleKeys);

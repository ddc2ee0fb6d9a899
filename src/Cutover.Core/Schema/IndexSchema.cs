namespace Cutover.Schema;

/// <summary>A secondary index over plain columns. Expression indexes are reported with <see cref="IsExpression"/>.</summary>
public sealed record IndexSchema(string Name, bool Unique, IReadOnlyList<string> Columns, bool IsExpression);

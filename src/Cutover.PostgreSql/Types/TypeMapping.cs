namespace Cutover.PostgreSql.Types;

/// <summary>The PostgreSQL type chosen for one SQLite column, or why none could be chosen.</summary>
/// <param name="Column">The column name.</param>
/// <param name="DeclaredType">The SQLite declared type, as written.</param>
/// <param name="PostgreSqlType">The PostgreSQL column type, or null when <see cref="Error"/> is set.</param>
/// <param name="Conversion">What the writer does to each value.</param>
/// <param name="Reason">Why this type: one line for the plan output and docs/type-mapping.md.</param>
/// <param name="Error">Why no type could be chosen, with the plan field that fixes it; null on success.</param>
public sealed record TypeMapping(
    string Column,
    string DeclaredType,
    string? PostgreSqlType,
    ValueConversion Conversion,
    string Reason,
    string? Error)
{
    public bool Succeeded => Error is null;
}

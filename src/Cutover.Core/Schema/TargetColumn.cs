namespace Cutover.Schema;

/// <summary>
/// A column the target table will have, after the plan's transforms. <see cref="Kind"/> says what its values are: targets
/// choose the column type from it (a PostgreSQL target makes a <see cref="ColumnKind.Timestamp"/> column timestamptz).
/// </summary>
public sealed record TargetColumn(string Name, string DeclaredType, bool NotNull, string? DefaultSql)
{
    public ColumnKind Kind { get; init; }
}

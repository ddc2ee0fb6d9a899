namespace Cutover.Schema;

/// <summary>A column the target table will have, after the plan's transforms.</summary>
public sealed record TargetColumn(string Name, string DeclaredType, bool NotNull, string? DefaultSql);

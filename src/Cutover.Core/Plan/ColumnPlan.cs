namespace Cutover.Plan;

/// <summary>
/// Transforms for one source column: <paramref name="Rename"/>, cast to <paramref name="Type"/>, <paramref name="Drop"/>,
/// or a <paramref name="Default"/> that fills NULLs (and adds the column when the source lacks it).
/// </summary>
public sealed record ColumnPlan(
    string Name,
    string? Rename,
    string? Type,
    bool Drop,
    bool HasDefault,
    object? Default,
    InvalidUtf8Policy InvalidUtf8,
    PlanLocation At);

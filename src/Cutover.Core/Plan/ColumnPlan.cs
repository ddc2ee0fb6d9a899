namespace Cutover.Plan;

/// <summary>
/// Transforms for one source column: <paramref name="Rename"/>, cast to <paramref name="Type"/>, <paramref name="Drop"/>,
/// or a <paramref name="Default"/> that fills NULLs (and adds the column when the source lacks it). <see cref="Dates"/>,
/// <see cref="Json"/> and <see cref="Booleans"/> override the plan's <c>types:</c> for this column.
/// </summary>
public sealed record ColumnPlan(
    string Name,
    string? Rename,
    string? Type,
    bool Drop,
    bool HasDefault,
    object? Default,
    InvalidUtf8Policy InvalidUtf8,
    PlanLocation At)
{
    /// <summary>How this column's dates are stored (<c>dates:</c>), when the plan says so for this column.</summary>
    public DatesOption? Dates { get; init; }

    /// <summary>What this column's JSON becomes (<c>json:</c>).</summary>
    public JsonOption? Json { get; init; }

    /// <summary>What this column's 0/1 values become (<c>booleans:</c>).</summary>
    public BooleansOption? Booleans { get; init; }
}

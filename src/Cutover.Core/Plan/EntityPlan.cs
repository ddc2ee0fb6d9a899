namespace Cutover.Plan;

/// <summary>One table to copy, with its key and transforms. <see cref="Key"/> empty means "the table's primary key".</summary>
public sealed record EntityPlan(
    string Table,
    string TargetTable,
    IReadOnlyList<string> Key,
    RekeyPlan? Rekey,
    IReadOnlyList<ReferencePlan> References,
    IReadOnlyList<ColumnPlan> Columns,
    PlanLocation At,
    PlanLocation KeyAt)
{
    /// <summary>The entity's name in references, the id map and reports: its source table.</summary>
    public string Name => Table;

    /// <summary>The entity's <c>normalize:</c> rules, keyed by target column (or <c>*</c>); they replace the plan's for the same column.</summary>
    public IReadOnlyList<NormalizeRule> Normalize { get; init; } = [];

    /// <summary>The entity's <c>reconcile:</c> strategy, overriding the plan's; null when not written.</summary>
    public ReconcileStrategy? Reconcile { get; init; }

    public bool KeyIsRowid => Key.Count == 1 && string.Equals(Key[0], "rowid", StringComparison.OrdinalIgnoreCase);
}

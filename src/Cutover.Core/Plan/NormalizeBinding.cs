using Cutover.Schema;

namespace Cutover.Plan;

/// <summary>
/// Resolves <c>normalize:</c> rules against an entity's target columns, which are only known once the plan is bound: a named
/// column must be one of them (after renames), and each column gets the most specific rule that names it.
/// </summary>
internal static class NormalizeBinding
{
    /// <summary>
    /// Each target column's rule: the entity's own entry for the column, else the entity's <c>*</c>, else the plan's entry for
    /// the column, else the plan's <c>*</c>. Rules are not merged. Entries naming a column the target lacks are errors.
    /// </summary>
    public static IReadOnlyList<NormalizeRule> Resolve(MigrationPlan plan, EntityPlan e, TableSchema source, IReadOnlyList<TargetColumn> columns,
        IReadOnlyDictionary<string, string> renamed, List<PlanError> errors)
    {
        if (e.Normalize.Count == 0 && plan.Normalize.Count == 0)
        {
            return [];
        }
        foreach (var rule in e.Normalize.Where(r => r.Column != NormalizeRule.AllColumns && Find(columns, r.Column) is null))
        {
            var fix = renamed.TryGetValue(rule.Column, out var to)
                ? $"'{rule.Column}' is named '{to}' on the target; normalize names target columns: write {to}"
                : source.FindColumn(rule.Column) is not null
                    ? "that column is dropped, so there is nothing to compare; remove the entry"
                    : $"columns of '{e.TargetTable}': {string.Join(", ", columns.Select(c => c.Name))}";
            errors.Add(new PlanError(rule.At, $"normalize: column '{rule.Column}' is not a column of target table '{e.TargetTable}'", fix));
        }
        var result = new List<NormalizeRule>();
        foreach (var column in columns)
        {
            var rule = Named(e.Normalize, column.Name) ?? Named(e.Normalize, NormalizeRule.AllColumns)
                ?? Named(plan.Normalize, column.Name) ?? Named(plan.Normalize, NormalizeRule.AllColumns);
            if (rule is not null && !rule.IsEmpty)
            {
                result.Add(rule.ForColumn(column.Name));
            }
        }
        return result;
    }

    /// <summary>A column named under the plan's own <c>normalize:</c> must be a target column of some entity.</summary>
    public static void CheckPlanLevel(MigrationPlan plan, IReadOnlyList<BoundEntity> bound, List<PlanError> errors)
    {
        foreach (var rule in plan.Normalize.Where(r => r.Column != NormalizeRule.AllColumns))
        {
            if (!bound.Any(b => Find(b.Target.Columns, rule.Column) is not null))
            {
                errors.Add(new PlanError(rule.At, $"normalize: column '{rule.Column}' is not a column of any entity's target table",
                    "normalize names target columns (after rename:); fix the name, or remove the entry"));
            }
        }
    }

    private static NormalizeRule? Named(IReadOnlyList<NormalizeRule> rules, string column) =>
        rules.FirstOrDefault(r => string.Equals(r.Column, column, StringComparison.OrdinalIgnoreCase));

    private static TargetColumn? Find(IReadOnlyList<TargetColumn> columns, string name) =>
        columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}

using Cutover.Errors;
using Cutover.Plan;
using Cutover.Schema;

namespace Cutover.Sync;

/// <summary>
/// Binds the way back: each entity read from its target table and written to its source table, with the plan's renames
/// undone and values cast back by the usual rules for the source's engine. Re-keyed entities, and columns that follow a
/// re-key, cannot go back (a row created on the target has no old id), so a plan with them cannot cut over with reverse
/// capture; the error says which entity.
/// </summary>
public static class ReverseBinder
{
    public static IReadOnlyList<BoundEntity> Bind(MigrationPlan plan, IReadOnlyList<BoundEntity> forward, DatabaseSchema targetSchema)
    {
        var problems = forward
            .Where(e => e.IsRekeyed || e.Mappings.Any(m => m.IdMapEntity is not null))
            .Select(e => e.IsRekeyed
                ? $"entity '{e.Name}' is re-keyed, so a row created on the target has no old id to write back"
                : $"entity '{e.Name}' has columns that follow a re-keyed entity through the id map")
            .ToList();
        // A source column the copy leaves out gets nothing from the target: a NOT NULL one without a default would refuse every
        // row created on the target, and the way back would stop at the first.
        problems.AddRange(forward.SelectMany(e => e.Source.Columns
            .Where(c => c.NotNull && c.DefaultSql is null && c.PrimaryKeyOrdinal == 0 && !e.SourceColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
            .Select(c => $"source column '{e.Source.Name}.{c.Name}' is NOT NULL without a default, and the plan does not copy it, so a row created on the target could not be written back")));
        if (problems.Count > 0)
        {
            throw new CutoverException(ErrorCodes.CaptureUnsupported,
                $"writes on the target cannot flow back to the source: {problems[0]}; cut over without re-keying, or keep the source as it is and roll back from a backup")
            { Details = problems };
        }
        var entities = forward.Select(e => new EntityPlan(
            e.Target.Name,
            e.Source.Name,
            e.Target.KeyIsRowid ? ["rowid"] : e.Target.Key,
            null,
            [],
            Columns(e),
            e.Plan.At,
            e.Plan.KeyAt)).ToList();
        // normalize: rules compare the way forward (they name its target columns); the way back has none.
        var reversePlan = plan with { Entities = entities, Types = TypesPlan.Default, Checks = [], Normalize = [] };
        var (bound, errors) = PlanBinder.Bind(reversePlan, targetSchema);
        if (errors.Count > 0)
        {
            throw new CutoverException(ErrorCodes.CaptureUnsupported,
                $"writes on the target cannot flow back to the source: {errors[0].Message}") { Details = errors.Select(x => x.ToString()).ToList() };
        }
        return bound;
    }

    private static List<ColumnPlan> Columns(BoundEntity e)
    {
        var columns = new List<ColumnPlan>();
        foreach (var m in e.Mappings)
        {
            // A column the plan added (no source column) has nowhere to go back to.
            var drop = m.SourceIndex < 0;
            var rename = !drop && !string.Equals(m.TargetName, m.SourceName, StringComparison.Ordinal) ? m.SourceName : null;
            if (drop || rename is not null)
            {
                columns.Add(new ColumnPlan(m.TargetName, rename, null, drop, false, null, InvalidUtf8Policy.Keep, e.Plan.At));
            }
        }
        return columns;
    }
}

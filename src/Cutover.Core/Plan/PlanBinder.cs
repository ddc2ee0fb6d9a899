using Cutover.Schema;
using Cutover.Transform;

namespace Cutover.Plan;

/// <summary>
/// Checks a plan against the source schema and works out each target table. Reports every problem at once,
/// each at the plan line that causes it and with the fix.
/// </summary>
public static class PlanBinder
{
    public static (IReadOnlyList<BoundEntity> Entities, IReadOnlyList<PlanError> Errors) Bind(MigrationPlan plan, DatabaseSchema source)
    {
        var errors = new List<PlanError>();
        var bound = new List<BoundEntity>();
        var rekeyed = plan.Entities.Where(e => e.Rekey is not null).ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var e in plan.Entities)
        {
            var table = source.FindTable(e.Table);
            if (table is null)
            {
                var fix = source.IsView(e.Table)
                    ? "views hold no rows of their own; copy the tables behind it, and recreate the view on the target"
                    : "tables in the source: " + string.Join(", ", source.Tables.Select(t => t.Name).Take(12));
                errors.Add(new PlanError(e.At, source.IsView(e.Table) ? $"'{e.Table}' is a view, not a table" : $"table '{e.Table}' is not in the source", fix));
                continue;
            }
            if (BindEntity(plan, source, e, table, rekeyed, errors) is { } b)
            {
                bound.Add(b);
            }
        }
        if (bound.Count == plan.Entities.Count)
        {
            // Only when every entity bound: a column missing from the others might be in one that failed.
            NormalizeBinding.CheckPlanLevel(plan, bound, errors);
        }
        return (bound, errors);
    }

    private static BoundEntity? BindEntity(MigrationPlan plan, DatabaseSchema source, EntityPlan e, TableSchema table, Dictionary<string, EntityPlan> rekeyed, List<PlanError> errors)
    {
        var before = errors.Count;
        var notes = new List<string>();
        var key = e.Key.Count > 0 ? e.Key : table.PrimaryKey;
        var keyIsRowid = e.KeyIsRowid;
        if (key.Count == 0)
        {
            if (!table.HasRowid)
            {
                errors.Add(new PlanError(e.At, $"table '{e.Table}' has no primary key", "set key: to columns that are unique and not NULL"));
                return null;
            }
            keyIsRowid = true;
            key = ["rowid"];
            notes.Add("no primary key: rows are told apart by rowid, which is copied");
        }
        if (keyIsRowid && !table.HasRowid)
        {
            errors.Add(new PlanError(e.KeyAt, $"table '{e.Table}' is WITHOUT ROWID, so it has no rowid", "use its primary key columns as key"));
        }
        var effective = e with { Key = key, Rekey = e.Rekey is { Column: "" } && key.Count == 1 && !keyIsRowid ? e.Rekey with { Column = key[0] } : e.Rekey };
        var keyColumns = new List<string>();
        if (!keyIsRowid)
        {
            foreach (var k in key)
            {
                if (table.FindColumn(k) is { } col)
                {
                    keyColumns.Add(col.Name);
                }
                else
                {
                    errors.Add(new PlanError(e.KeyAt, $"key column '{k}' is not in table '{e.Table}'", $"columns: {string.Join(", ", table.Columns.Select(c => c.Name))}"));
                }
            }
            effective = effective with { Key = keyColumns };
        }

        var plans = new Dictionary<string, ColumnPlan>(StringComparer.OrdinalIgnoreCase);
        foreach (var cp in e.Columns)
        {
            if (table.FindColumn(cp.Name) is null && !(cp.HasDefault && !cp.Drop))
            {
                errors.Add(new PlanError(cp.At, $"column '{cp.Name}' is not in table '{e.Table}'",
                    "fix the name, or give it a default: (and a type:) to add it as a new column"));
                continue;
            }
            plans[cp.Name] = cp;
        }

        var sourceColumns = new List<string>();
        if (keyIsRowid)
        {
            sourceColumns.Add("rowid");
        }
        var mappings = new List<ColumnMapping>();
        var targetColumns = new List<TargetColumn>();
        var renamed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var references = e.References.ToDictionary(r => r.Column, StringComparer.OrdinalIgnoreCase);
        foreach (var r in e.References.Where(r => table.FindColumn(r.Column) is null))
        {
            errors.Add(new PlanError(r.At, $"references: column '{r.Column}' is not in table '{e.Table}'", "name a column of this table"));
        }
        var rekeyColumn = e.Rekey is { Column: "" } && keyColumns.Count == 1 ? keyColumns[0] : e.Rekey?.Column;
        if (e.Rekey is not null && (keyIsRowid || !keyColumns.Contains(rekeyColumn!, StringComparer.OrdinalIgnoreCase) || keyColumns.Count != 1))
        {
            errors.Add(new PlanError(e.Rekey.At, rekeyColumn is "" or null
                ? $"rekey of '{e.Table}' needs a single-column key, and its key is ({string.Join(", ", key)})"
                : $"rekey column '{rekeyColumn}' must be the single key column of '{e.Table}'", "set key: to one column, or rekey: { column: COLUMN }"));
        }
        foreach (var col in table.Columns)
        {
            plans.TryGetValue(col.Name, out var cp);
            if (cp?.Drop == true)
            {
                if (keyColumns.Contains(col.Name, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add(new PlanError(cp.At, $"key column '{col.Name}' cannot be dropped", "drop another column, or choose another key"));
                }
                if (references.ContainsKey(col.Name))
                {
                    errors.Add(new PlanError(cp.At, $"column '{col.Name}' is dropped but listed in references", "remove one of the two"));
                }
                continue;
            }
            var srcIndex = sourceColumns.Count;
            sourceColumns.Add(col.Name);
            var targetName = cp?.Rename ?? col.Name;
            renamed[col.Name] = targetName;
            var isRekeyed = rekeyColumn is not null && string.Equals(col.Name, rekeyColumn, StringComparison.OrdinalIgnoreCase);
            string? idEntity = isRekeyed ? e.Name : null;
            if (references.TryGetValue(col.Name, out var reference) && rekeyed.TryGetValue(reference.Entity, out var parent))
            {
                idEntity = parent.Name;
            }
            var declared = cp?.Type ?? col.DeclaredType;
            var sourceKind = col.Kind;
            if (idEntity is not null && cp?.Type is null && AffinityRules.Of(declared) != Affinity.Text)
            {
                // ULIDs are text: a re-keyed column (or one following a re-keyed parent) becomes TEXT unless the plan says otherwise.
                declared = "TEXT";
                sourceKind = ColumnKind.Dynamic;
            }
            var typing = ColumnTyping.Decide(plan, e.Table, col.Name, sourceKind, col.DeclaredType, declared, cp, errors);
            if (typing.Note is not null)
            {
                notes.Add(typing.Note);
            }
            var cast = cp?.Type is not null && typing.Conversion == ColumnConversion.None ? AffinityRules.Of(cp.Type) : (Affinity?)null;
            var defaultSql = col.DefaultSql;
            if (cp?.HasDefault == true)
            {
                defaultSql = Literal(cp.Default);
            }
            targetColumns.Add(new TargetColumn(targetName, declared, col.NotNull, defaultSql) { Kind = typing.Kind });
            mappings.Add(new ColumnMapping(targetName, col.Name, srcIndex, cast, cp?.HasDefault == true, cp?.Default,
                cp?.InvalidUtf8 ?? InvalidUtf8Policy.Keep, idEntity, isRekeyed) { Conversion = typing.Conversion });
        }
        foreach (var cp in e.Columns.Where(c => c.HasDefault && !c.Drop && table.FindColumn(c.Name) is null))
        {
            var targetName = cp.Rename ?? cp.Name;
            var declared = cp.Type ?? cp.Default switch { long => "INTEGER", double => "REAL", string => "TEXT", _ => "" };
            var typing = ColumnTyping.Decide(plan, e.Table, cp.Name, ColumnKind.Dynamic, declared, declared, cp, errors);
            var cast = cp.Type is not null && typing.Conversion == ColumnConversion.None ? AffinityRules.Of(cp.Type) : (Affinity?)null;
            targetColumns.Add(new TargetColumn(targetName, declared, false, Literal(cp.Default)) { Kind = typing.Kind });
            mappings.Add(new ColumnMapping(targetName, cp.Name, -1, cast, true, cp.Default, cp.InvalidUtf8, null, false) { Conversion = typing.Conversion });
            notes.Add($"adds column '{targetName}' = {Values.Value.Display(cp.Default)}");
        }
        foreach (var dup in targetColumns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            var at = e.Columns.FirstOrDefault(c => string.Equals(c.Rename, dup.Key, StringComparison.OrdinalIgnoreCase))?.At ?? e.At;
            errors.Add(new PlanError(at, $"two columns of '{e.Table}' would both be named '{dup.Key}' on the target", "rename one of them"));
        }

        var timeIndex = -1;
        if (e.Rekey?.TimeFrom is { } tf)
        {
            timeIndex = sourceColumns.FindIndex(c => string.Equals(c, tf, StringComparison.OrdinalIgnoreCase));
            if (timeIndex < 0)
            {
                errors.Add(new PlanError(e.Rekey.At, $"time_from column '{tf}' is not a (kept) column of '{e.Table}'", $"columns: {string.Join(", ", table.Columns.Select(c => c.Name))}"));
            }
        }
        var normalizers = NormalizeBinding.Resolve(plan, e, table, targetColumns, renamed, errors);
        if (errors.Count > before)
        {
            return null;
        }

        var targetKey = keyIsRowid ? (IReadOnlyList<string>)[] : keyColumns.Select(k => renamed[k]).ToList();
        var fks = BindForeignKeys(plan, source, table, renamed);
        var indexes = table.Indexes
            .Where(ix => ix.IsExpression || ix.Columns.All(renamed.ContainsKey))
            .Select(ix => ix with { Columns = ix.IsExpression ? ix.Columns : ix.Columns.Select(c => renamed[c]).ToList() })
            .ToList();
        foreach (var ix in table.Indexes.Where(ix => ix.IsExpression))
        {
            notes.Add($"index {ix.Name} uses expressions or a WHERE clause and is not recreated; create it on the target by hand");
        }
        var keyIdx = keyIsRowid ? [0] : keyColumns.Select(k => sourceColumns.FindIndex(c => c == k)).ToList();
        var autoInc = table.AutoIncrement && e.Rekey is null && targetKey.Count == 1;
        var target = new TargetTable(e.TargetTable, targetColumns, targetKey, keyIsRowid, !table.HasRowid, autoInc, fks, indexes.Where(i => !i.IsExpression).ToList())
        {
            DeclaredPrimaryKey = keyIsRowid && table.PrimaryKey.All(renamed.ContainsKey) ? table.PrimaryKey.Select(c => renamed[c]).ToList() : [],
            KeyAfterCopy = !keyIsRowid && targetKey.Count > 0
                && mappings.Where(m => targetKey.Contains(m.TargetName)).All(m => m.IsRekeyedKey || (m.Cast is null && m.IdMapEntity is null && m.SourceIndex >= 0)),
        };
        return new BoundEntity(effective, table, sourceColumns, keyIdx, target, mappings, timeIndex, notes) { Normalizers = normalizers };
    }

    private static List<ForeignKeySchema> BindForeignKeys(MigrationPlan plan, DatabaseSchema source, TableSchema table, Dictionary<string, string> renamed)
    {
        // Keep a foreign key only when its parent is copied too and all its columns survive; point it at the parent's target name.
        var result = new List<ForeignKeySchema>();
        foreach (var fk in table.ForeignKeys)
        {
            var parent = plan.FindEntity(fk.RefTable);
            if (parent is null || !fk.Columns.All(renamed.ContainsKey))
            {
                continue;
            }
            var parentRenames = parent.Columns.Where(c => c.Rename is not null).ToDictionary(c => c.Name, c => c.Rename!, StringComparer.OrdinalIgnoreCase);
            var refCols = fk.RefColumns.Any(c => c.Length == 0) ? [] : fk.RefColumns.Select(c => parentRenames.GetValueOrDefault(c, c)).ToList();
            // No column list means the parent's primary key: the plan's key when it names one, else the table's own.
            var parentKey = parent.Key.Count > 0 ? parent.Key : source.FindTable(parent.Table)?.PrimaryKey ?? [];
            if (refCols.Count == 0 && parentKey.Count > 0 && !parent.KeyIsRowid)
            {
                refCols = parentKey.Select(c => parentRenames.GetValueOrDefault(c, c)).ToList();
            }
            if (refCols.Count == fk.Columns.Count)
            {
                result.Add(new ForeignKeySchema(fk.Columns.Select(c => renamed[c]).ToList(), parent.TargetTable, refCols));
            }
        }
        return result;
    }

    private static string? Literal(object? v) => v switch
    {
        null => null,
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => "'" + v.ToString()!.Replace("'", "''", StringComparison.Ordinal) + "'",
    };
}

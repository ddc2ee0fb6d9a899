using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Cutover.Plan;

public static partial class PlanLoader
{
    /// <summary>Walks YAML nodes, collecting errors with positions instead of stopping at the first.</summary>
    private sealed partial class Reader(string file, List<PlanError> errors)
    {
        public PlanLocation Loc(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

        public PlanLocation At(YamlMappingNode map, string key)
        {
            foreach (var (k, _) in map.Children)
            {
                if (k is YamlScalarNode s && s.Value == key)
                {
                    return Loc(k);
                }
            }
            return Loc(map);
        }

        public void Error(PlanLocation at, string message, string fix) => errors.Add(new PlanError(at, message, fix));

        public YamlNode? Child(YamlMappingNode map, string key)
        {
            foreach (var (k, v) in map.Children)
            {
                if (k is YamlScalarNode s && s.Value == key)
                {
                    return v;
                }
            }
            return null;
        }

        public void CheckKeys(YamlMappingNode map, string[] allowed, string where)
        {
            foreach (var (k, _) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(key))
                {
                    var near = allowed.OrderBy(a => Distance(a, key)).First();
                    var hint = Distance(near, key) <= 3 ? $"did you mean '{near}'?" : "allowed: " + string.Join(", ", allowed);
                    Error(Loc(k), $"unknown key '{key}' in {where}", hint);
                }
            }
        }

        public string? OptionalString(YamlMappingNode map, string key)
        {
            var node = Child(map, key);
            if (node is null || IsNull(node))
            {
                return null;
            }
            if (node is YamlScalarNode s)
            {
                return s.Value;
            }
            Error(Loc(node), $"'{key}' must be a single value", $"write {key}: VALUE");
            return null;
        }

        public string? RequiredString(YamlMappingNode map, string key, string fix)
        {
            var node = Child(map, key);
            if (node is null || IsNull(node) || (node is YamlScalarNode s && string.IsNullOrWhiteSpace(s.Value)))
            {
                Error(node is null ? Loc(map) : Loc(node), $"'{key}' is required", fix);
                return null;
            }
            return OptionalString(map, key);
        }

        public int OptionalInt(YamlMappingNode map, string key, int fallback, int min, int max)
        {
            var v = OptionalString(map, key);
            if (v is null)
            {
                return fallback;
            }
            if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            {
                Error(Loc(Child(map, key)!), $"'{key}' must be a whole number from {min} to {max}, not '{v}'", $"for example {key}: {fallback}");
                return fallback;
            }
            return n;
        }

        /// <summary>The mapping under <paramref name="key"/>, or null when absent (an error when it is there but not a mapping).</summary>
        public YamlMappingNode? Mapping(YamlMappingNode map, string key, string fix)
        {
            var node = Child(map, key);
            if (node is YamlMappingNode m)
            {
                return m;
            }
            if (node is not null && !IsNull(node))
            {
                Error(Loc(node), $"'{key}' must be a mapping", fix);
            }
            return null;
        }

        public TimeSpan? OptionalDuration(YamlMappingNode map, string key, TimeSpan? fallback)
        {
            var v = OptionalString(map, key);
            if (v is null)
            {
                return fallback;
            }
            if (!DurationText.TryParse(v, out var d))
            {
                Error(Loc(Child(map, key)!), $"'{key}' must be a duration such as 250ms, 5s, 2m or 1h, not '{v}'", $"for example {key}: 5s");
                return fallback;
            }
            return d;
        }

        public T OptionalEnum<T>(YamlMappingNode map, string key, T fallback)
            where T : struct, Enum
        {
            var v = OptionalString(map, key);
            if (v is null)
            {
                return fallback;
            }
            var normalized = v.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
            if (Enum.TryParse<T>(normalized, ignoreCase: true, out var e) && !int.TryParse(v, out _))
            {
                return e;
            }
            var names = string.Join(" | ", Enum.GetNames<T>().Select(Snake));
            Error(Loc(Child(map, key)!), $"'{key}' must be one of {names}, not '{v}'", $"for example {key}: {Snake(fallback.ToString())}");
            return fallback;
        }

        public EntityPlan? ParseEntity(YamlNode item)
        {
            if (item is not YamlMappingNode map)
            {
                Error(Loc(item), "each entity must be a mapping", "write '- table: NAME' with its key");
                return null;
            }
            CheckKeys(map, EntityKeys, "entity");
            var table = RequiredString(map, "table", "name the source table: table: NAME");
            if (table is null)
            {
                return null;
            }
            var to = OptionalString(map, "to") ?? table;
            var key = new List<string>();
            var keyAt = At(map, "key");
            switch (Child(map, "key"))
            {
                case null:
                    break;
                case YamlScalarNode s when !string.IsNullOrWhiteSpace(s.Value):
                    key.Add(s.Value!);
                    break;
                case YamlSequenceNode seq when seq.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }):
                    key.AddRange(seq.Children.Cast<YamlScalarNode>().Select(c => c.Value!));
                    break;
                case var other:
                    Error(Loc(other), $"key of '{table}' must be a column name or a list of them", "write key: id, or key: [a, b], or key: rowid");
                    break;
            }
            if (key.Count > 1 && key.Any(k => string.Equals(k, "rowid", StringComparison.OrdinalIgnoreCase)))
            {
                Error(keyAt, "rowid cannot be part of a composite key", "use key: rowid alone, or only real columns");
            }

            var columns = ParseColumns(map, table);
            var references = new List<ReferencePlan>();
            if (Child(map, "references") is YamlMappingNode refs)
            {
                foreach (var (k, v) in refs.Children)
                {
                    if (v is YamlScalarNode { Value.Length: > 0 } target)
                    {
                        references.Add(new ReferencePlan(((YamlScalarNode)k).Value!, target.Value!, Loc(k)));
                    }
                    else
                    {
                        Error(Loc(v), "a reference maps a column to an entity name", "write references: { session_id: sessions }");
                    }
                }
            }
            else if (Child(map, "references") is { } bad && !IsNull(bad))
            {
                Error(Loc(bad), "references must map columns to entities", "write references: { session_id: sessions }");
            }

            RekeyPlan? rekey = null;
            if (Child(map, "rekey") is YamlMappingNode rk)
            {
                CheckKeys(rk, RekeyKeys, "rekey");
                var toKind = OptionalString(rk, "to") ?? "ulid";
                if (!string.Equals(toKind, "ulid", StringComparison.OrdinalIgnoreCase))
                {
                    Error(At(rk, "to"), $"rekey to '{toKind}' is not supported", "use rekey: { to: ulid }");
                }
                // Without key: or column:, the binder takes the table's primary key (it must be one column).
                var column = OptionalString(rk, "column") ?? (key.Count == 1 ? key[0] : key.Count == 0 ? "" : null);
                if (column is null)
                {
                    Error(Loc(rk), $"rekey of '{table}' needs a single-column key", "set key: COLUMN, or rekey: { column: COLUMN }");
                }
                else if (string.Equals(column, "rowid", StringComparison.OrdinalIgnoreCase))
                {
                    Error(Loc(rk), "rowid cannot be re-keyed: it is not a column the target keeps", "re-key a real key column");
                }
                rekey = new RekeyPlan(column ?? "", "ulid", OptionalString(rk, "time_from"), Loc(rk));
            }
            else if (Child(map, "rekey") is { } badRk && !IsNull(badRk))
            {
                Error(Loc(badRk), "rekey must be a mapping", "write rekey: { to: ulid, time_from: created_at }");
            }
            return new EntityPlan(table, to, key, rekey, references, columns, Loc(map), keyAt) { Normalize = ParseNormalize(map, $" of '{table}'"), Reconcile = ParseReconcile(map) };
        }

        private List<ColumnPlan> ParseColumns(YamlMappingNode map, string table)
        {
            var columns = new List<ColumnPlan>();
            var node = Child(map, "columns");
            if (node is null || IsNull(node))
            {
                return columns;
            }
            if (node is not YamlMappingNode cols)
            {
                Error(Loc(node), $"columns of '{table}' must map column names to transforms", "write columns: { body: { rename: content } }");
                return columns;
            }
            foreach (var (k, v) in cols.Children)
            {
                var name = ((YamlScalarNode)k).Value!;
                if (v is not YamlMappingNode c)
                {
                    Error(Loc(v), $"column '{name}' of '{table}' needs a mapping of transforms", $"write {name}: {{ rename: NEW_NAME }}");
                    continue;
                }
                CheckKeys(c, ColumnKeys, $"column '{name}'");
                var type = OptionalString(c, "type");
                if (type is not null && !TypePattern().IsMatch(type.Trim()))
                {
                    Error(At(c, "type"), $"type '{type}' of column '{name}' is not a plain type name", "use a name with an optional size, e.g. integer, text, varchar(20), numeric(10,2)");
                }
                var dropText = OptionalString(c, "drop");
                var drop = dropText is "true" or "True" or "yes";
                if (dropText is not null && !drop && dropText is not ("false" or "False" or "no"))
                {
                    Error(At(c, "drop"), $"drop must be true or false, not '{dropText}'", "write drop: true");
                }
                var defaultNode = Child(c, "default");
                object? dflt = null;
                if (defaultNode is YamlScalarNode ds)
                {
                    dflt = ScalarValue(ds);
                }
                else if (defaultNode is not null)
                {
                    Error(Loc(defaultNode), $"default of '{name}' must be a single value", "write default: VALUE");
                }
                var rename = OptionalString(c, "rename");
                var dates = Child(c, "dates") is null ? (DatesOption?)null : OptionalEnum(c, "dates", DatesOption.Text);
                var json = Child(c, "json") is null ? (JsonOption?)null : OptionalEnum(c, "json", JsonOption.Text);
                var booleans = Child(c, "booleans") is null ? (BooleansOption?)null : OptionalEnum(c, "booleans", BooleansOption.Boolean);
                if (drop && (rename is not null || type is not null || defaultNode is not null || dates is not null || json is not null || booleans is not null))
                {
                    Error(Loc(k), $"column '{name}' is dropped and also transformed", "keep drop: true alone, or remove it");
                }
                var conversions = new[] { dates is not (null or DatesOption.Text) ? "dates" : null, json == JsonOption.Jsonb ? "json" : null, booleans is not null ? "booleans" : null }
                    .OfType<string>().ToList();
                if (conversions.Count > 1)
                {
                    Error(Loc(k), $"column '{name}' is read both by {conversions[0]}: and by {conversions[1]}:", "a column holds one kind of value; keep one of them");
                }
                columns.Add(new ColumnPlan(name, rename, type?.Trim(), drop, defaultNode is not null, dflt,
                    OptionalEnum(c, "invalid_utf8", InvalidUtf8Policy.Keep), Loc(k))
                {
                    Dates = dates,
                    Json = json,
                    Booleans = booleans,
                });
            }
            return columns;
        }

        public CheckPlan? ParseCheck(YamlNode item)
        {
            if (item is not YamlMappingNode map)
            {
                Error(Loc(item), "each check must be a mapping", "write '- name: ...' with sql and expect");
                return null;
            }
            CheckKeys(map, CheckFieldKeys, "check");
            var name = RequiredString(map, "name", "give the check a name: name: every session has a ULID");
            var sql = RequiredString(map, "sql", "add sql: SELECT COUNT(*) FROM ...");
            var expectNode = Child(map, "expect");
            if (expectNode is not YamlScalarNode es)
            {
                Error(expectNode is null ? Loc(map) : Loc(expectNode), $"check '{name}' needs a single expected value", "add expect: 0");
                return null;
            }
            var on = OptionalEnum(map, "on", CheckSide.Target);
            if (name is null || sql is null)
            {
                return null;
            }
            return new CheckPlan(name, sql, es.Value ?? "", on, Loc(map));
        }

        private static string Snake(string s) =>
            string.Concat(s.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

        private static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }
            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }
            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }
            }
            return d[a.Length, b.Length];
        }
    }
}

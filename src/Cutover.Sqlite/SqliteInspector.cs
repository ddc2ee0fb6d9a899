using System.Text.RegularExpressions;
using Cutover.Schema;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite;

/// <summary>Reads a SQLite file's schema (read-only): tables, columns, keys, foreign keys, indexes, views.</summary>
internal static partial class SqliteInspector
{
    public static DatabaseSchema Inspect(SqliteConnection conn)
    {
        var tables = new List<TableSchema>();
        var views = new List<string>();
        var entries = new List<(string Name, string Type, string Sql)>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT name, type, COALESCE(sql, '') FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                entries.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
            }
        }
        var shadow = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var cmd = conn.CreateCommand())
        {
            // FTS and other virtual tables keep their data in shadow tables the module owns; they are not the user's tables.
            cmd.CommandText = "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                shadow.Add(r.GetString(0));
            }
        }
        // Capture's changelog and control tables (docs/capture.md) are Cutover's, not the user's: never inspected or copied.
        foreach (var (name, type, sql) in entries.Where(e => !shadow.Contains(e.Name) && !Capture.SqliteCaptureSchema.IsOurs(e.Name)))
        {
            if (type == "view")
            {
                views.Add(name);
                continue;
            }
            if (sql.StartsWith("CREATE VIRTUAL", StringComparison.OrdinalIgnoreCase))
            {
                // Virtual tables (FTS and friends) hold no rows of their own to copy; report them like views.
                views.Add(name);
                continue;
            }
            tables.Add(InspectTable(conn, name, sql));
        }
        return new DatabaseSchema(tables, views);
    }

    private static TableSchema InspectTable(SqliteConnection conn, string name, string sql)
    {
        var columns = new List<ColumnSchema>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(@t) ORDER BY cid";
            cmd.Parameters.AddWithValue("@t", name);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                columns.Add(new ColumnSchema(r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, r.IsDBNull(3) ? null : r.GetString(3), (int)r.GetInt64(4)));
            }
        }
        var pk = columns.Where(c => c.PrimaryKeyOrdinal > 0).OrderBy(c => c.PrimaryKeyOrdinal).Select(c => c.Name).ToList();
        var fks = new List<ForeignKeySchema>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(@t) ORDER BY id, seq";
            cmd.Parameters.AddWithValue("@t", name);
            using var r = cmd.ExecuteReader();
            var groups = new List<(long Id, string Table, List<string> From, List<string?> To)>();
            while (r.Read())
            {
                var id = r.GetInt64(0);
                if (groups.Count == 0 || groups[^1].Id != id)
                {
                    groups.Add((id, r.GetString(1), [], []));
                }
                groups[^1].From.Add(r.GetString(2));
                groups[^1].To.Add(r.IsDBNull(3) ? null : r.GetString(3));
            }
            foreach (var g in groups)
            {
                // A NULL "to" means the parent's primary key; resolved by the caller that knows the parent.
                fks.Add(new ForeignKeySchema(g.From, g.Table, g.To.Select(t => t ?? "").ToList()));
            }
        }
        var indexes = new List<IndexSchema>();
        var indexNames = new List<(string Name, bool Unique, string Origin, bool Partial)>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT name, \"unique\", origin, partial FROM pragma_index_list(@t) ORDER BY seq";
            cmd.Parameters.AddWithValue("@t", name);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                indexNames.Add((r.GetString(0), r.GetInt64(1) != 0, r.GetString(2), r.GetInt64(3) != 0));
            }
        }
        foreach (var (idx, unique, origin, partial) in indexNames.Where(i => i.Origin != "pk"))
        {
            var cols = new List<string>();
            var expression = partial;
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT cid, name FROM pragma_index_info(@i) ORDER BY seqno";
            cmd.Parameters.AddWithValue("@i", idx);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (r.GetInt64(0) < 0 || r.IsDBNull(1))
                {
                    expression = true;
                }
                else
                {
                    cols.Add(r.GetString(1));
                }
            }
            indexes.Add(new IndexSchema(origin == "u" ? "" : idx, unique, cols, expression));
        }
        var withoutRowid = WithoutRowid().IsMatch(sql);
        // Only the keyword counts: the same word inside a string, a quoted name or a comment does not.
        var autoIncrement = AutoIncrement().IsMatch(QuotedOrComment().Replace(sql, " "));
        return new TableSchema(name, columns, pk, fks, indexes, !withoutRowid, autoIncrement);
    }

    [GeneratedRegex(@"\)\s*(STRICT\s*,\s*)?WITHOUT\s+ROWID(\s*,\s*STRICT)?\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex WithoutRowid();

    [GeneratedRegex(@"\bAUTOINCREMENT\b", RegexOptions.IgnoreCase)]
    private static partial Regex AutoIncrement();

    [GeneratedRegex(@"'(?:[^']|'')*'|""(?:[^""]|"""")*""|`(?:[^`]|``)*`|\[[^\]]*\]|--[^\n]*|/\*[\s\S]*?(?:\*/|$)")]
    private static partial Regex QuotedOrComment();
}

using System.Text.Json;
using Cutover.Capture;
using Cutover.Errors;
using Cutover.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Capture;

/// <summary>
/// Installs and looks up capture's objects inside the caller's write transaction, so an install either happens whole or not
/// at all. Every statement is <c>IF NOT EXISTS</c>: installing again changes nothing and adds what is missing.
/// </summary>
internal static class SqliteCaptureInstaller
{
    public static void Install(SqliteConnection conn, SqliteTransaction tx, string plan, IReadOnlyList<CaptureTable> tables, bool capture)
    {
        foreach (var sql in SqliteCaptureSchema.CreateControl)
        {
            Exec(conn, tx, sql);
        }
        var (frozen, message) = ReadFreeze(conn, tx);
        var registered = LoadTables(conn, tx).ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var table in tables)
        {
            var actual = ResolveTable(conn, tx, table.Table);
            var image = ImageOf(conn, tx, actual, table);
            var n = Register(conn, tx, table, registered.GetValueOrDefault(table.Table));
            var freezeMessage = SqliteCaptureSchema.FreezeMessage(table.Table, plan, frozen ? message : null);
            foreach (var sql in SqliteCaptureSchema.CreateFreezeTriggers(n, actual, freezeMessage))
            {
                Exec(conn, tx, sql);
            }
            if (capture)
            {
                Exec(conn, tx, SqliteCaptureSchema.CreateLog(n, image));
                var key = table.Key.Select(k => image.First(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase))).ToList();
                foreach (var sql in SqliteCaptureSchema.CreateCaptureTriggers(n, actual, image, key))
                {
                    Exec(conn, tx, sql);
                }
            }
        }
        Exec(conn, tx, $"UPDATE {SqliteSql.Quote(SqliteCaptureSchema.Control)} SET plan = {SqliteSql.Literal(plan)} WHERE id = 1");
    }

    /// <summary>Rewrites every freeze trigger with <paramref name="message"/> (RAISE takes only a literal).</summary>
    public static void RewriteFreezeTriggers(SqliteConnection conn, SqliteTransaction tx, string plan, string? message)
    {
        foreach (var t in LoadTables(conn, tx))
        {
            // A captured table the application dropped took its triggers with it: nothing to rewrite.
            if (FindTable(conn, tx, t.Name) is not { } actual)
            {
                continue;
            }
            foreach (var name in SqliteCaptureSchema.FreezeTriggers(t.N))
            {
                Exec(conn, tx, $"DROP TRIGGER IF EXISTS {SqliteSql.Quote(name)}");
            }
            foreach (var sql in SqliteCaptureSchema.CreateFreezeTriggers(t.N, actual, SqliteCaptureSchema.FreezeMessage(t.Name, plan, message)))
            {
                Exec(conn, tx, sql);
            }
        }
    }

    public static bool ControlExists(SqliteConnection conn, SqliteTransaction tx) =>
        Names(conn, tx, "table").Contains(SqliteCaptureSchema.Control);

    /// <summary>Names of the schema objects of <paramref name="type"/> ('table', 'trigger').</summary>
    public static HashSet<string> Names(SqliteConnection conn, SqliteTransaction tx, string type)
    {
        using var cmd = Command(conn, tx, "SELECT name FROM sqlite_schema WHERE type = @t");
        cmd.Parameters.AddWithValue("@t", type);
        using var r = cmd.ExecuteReader();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    public static List<RegisteredTable> LoadTables(SqliteConnection conn, SqliteTransaction tx)
    {
        var tables = Names(conn, tx, "table");
        if (!tables.Contains(SqliteCaptureSchema.Tables))
        {
            return [];
        }
        using var cmd = Command(conn, tx, $"SELECT n, name, columns FROM {SqliteSql.Quote(SqliteCaptureSchema.Tables)} ORDER BY n");
        using var r = cmd.ExecuteReader();
        var list = new List<RegisteredTable>();
        while (r.Read())
        {
            var n = r.GetInt32(0);
            list.Add(new RegisteredTable(n, r.GetString(1), JsonSerializer.Deserialize<string[]>(r.GetString(2))!, tables.Contains(SqliteCaptureSchema.Log(n))));
        }
        return list;
    }

    public static (bool Frozen, string? Message) ReadFreeze(SqliteConnection conn, SqliteTransaction tx)
    {
        using var cmd = Command(conn, tx, $"SELECT frozen, message FROM {SqliteSql.Quote(SqliteCaptureSchema.Control)} WHERE id = 1");
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0) == 1, r.IsDBNull(1) ? null : r.GetString(1)) : (false, null);
    }

    private static string ResolveTable(SqliteConnection conn, SqliteTransaction tx, string table) =>
        FindTable(conn, tx, table)
        ?? throw new CutoverException(ErrorCodes.TableNotFound, $"cannot capture table '{table}': there is no such table in {conn.DataSource}");

    /// <summary>The table's name as the schema spells it (SQLite names are case-insensitive), or null.</summary>
    private static string? FindTable(SqliteConnection conn, SqliteTransaction tx, string table)
    {
        using var cmd = Command(conn, tx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = @n COLLATE NOCASE");
        cmd.Parameters.AddWithValue("@n", table);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>The row image: each plan column with its source column's declared type (rowid: INTEGER).</summary>
    private static List<ImageColumn> ImageOf(SqliteConnection conn, SqliteTransaction tx, string actual, CaptureTable table)
    {
        var declared = new Dictionary<string, (string Name, string Type)>(StringComparer.OrdinalIgnoreCase);
        using (var cmd = Command(conn, tx, "SELECT name, type FROM pragma_table_xinfo(@t)"))
        {
            cmd.Parameters.AddWithValue("@t", actual);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                declared[r.GetString(0)] = (r.GetString(0), r.GetString(1));
            }
        }
        var image = new List<ImageColumn>(table.Columns.Count);
        foreach (var c in table.Columns)
        {
            if (c.StartsWith("_cutover_", StringComparison.OrdinalIgnoreCase))
            {
                throw new CutoverException(ErrorCodes.UnsupportedSchema, $"cannot capture {table.Table}.{c}: names starting with _cutover_ are Cutover's own");
            }
            if (declared.TryGetValue(c, out var col))
            {
                image.Add(new ImageColumn(c, col.Name, col.Type));
            }
            else if (table.KeyIsRowid && string.Equals(c, "rowid", StringComparison.OrdinalIgnoreCase))
            {
                image.Add(new ImageColumn(c, null, "INTEGER"));
            }
            else
            {
                throw new CutoverException(ErrorCodes.ColumnNotFound, $"cannot capture {table.Table}: it has no column '{c}'");
            }
        }
        foreach (var k in table.Key.Where(k => !table.Columns.Contains(k, StringComparer.OrdinalIgnoreCase)))
        {
            throw new CutoverException(ErrorCodes.ColumnNotFound, $"cannot capture {table.Table}: its key column '{k}' is not among the captured columns");
        }
        return image;
    }

    /// <summary>
    /// The table's number, registering it if new. A table captured before with other columns is a conflict: its changelog
    /// holds rows of the old layout (remove capture first); one only guarded simply takes the new columns.
    /// </summary>
    private static int Register(SqliteConnection conn, SqliteTransaction tx, CaptureTable table, RegisteredTable? existing)
    {
        var columns = JsonSerializer.Serialize(table.Columns);
        if (existing is null)
        {
            using var insert = Command(conn, tx, $"INSERT INTO {SqliteSql.Quote(SqliteCaptureSchema.Tables)} (name, columns) VALUES (@n, @c) RETURNING n");
            insert.Parameters.AddWithValue("@n", table.Table);
            insert.Parameters.AddWithValue("@c", columns);
            return (int)(long)insert.ExecuteScalar()!;
        }
        if (existing.Columns.SequenceEqual(table.Columns))
        {
            return existing.N;
        }
        if (existing.HasLog)
        {
            throw new CutoverException(ErrorCodes.CaptureConflict,
                $"{table.Table} is already captured with columns ({string.Join(", ", existing.Columns)}), not ({string.Join(", ", table.Columns)}); remove capture first (cutover complete or rollback)");
        }
        using var update = Command(conn, tx, $"UPDATE {SqliteSql.Quote(SqliteCaptureSchema.Tables)} SET columns = @c WHERE n = @n");
        update.Parameters.AddWithValue("@n", existing.N);
        update.Parameters.AddWithValue("@c", columns);
        update.ExecuteNonQuery();
        return existing.N;
    }

    public static void Exec(SqliteConnection conn, SqliteTransaction tx, string sql)
    {
        using var cmd = Command(conn, tx, sql);
        cmd.ExecuteNonQuery();
    }

    public static SqliteCommand Command(SqliteConnection conn, SqliteTransaction tx, string sql)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }
}

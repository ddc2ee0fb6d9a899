using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Tests.Support;

/// <summary>Raw access to a SQLite file with Microsoft.Data.Sqlite, bypassing Cutover (no pooling, so files can be replaced).</summary>
internal static class SqliteFile
{
    public static SqliteConnection Open(string path, SqliteOpenMode mode = SqliteOpenMode.ReadWriteCreate)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        conn.Open();
        return conn;
    }

    /// <summary>Runs one or more statements; parameters are named @p0, @p1, ...</summary>
    public static void Exec(string path, string sql, params object?[] args)
    {
        using var conn = Open(path);
        using var cmd = Command(conn, sql, args);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Inserts rows into <paramref name="table"/> in one transaction.</summary>
    public static void InsertRows(string path, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
    {
        using var conn = Open(path);
        using var tx = conn.BeginTransaction();
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO {Quote(table)} ({string.Join(", ", columns.Select(Quote))}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
        var ps = columns.Select((_, i) => cmd.Parameters.AddWithValue("@p" + i, DBNull.Value)).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < ps.Length; i++)
            {
                ps[i].Value = row[i] ?? DBNull.Value;
            }
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public static object? Scalar(string path, string sql, params object?[] args)
    {
        using var conn = Open(path, SqliteOpenMode.ReadOnly);
        using var cmd = Command(conn, sql, args);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    /// <summary>All rows of a query, values as Microsoft.Data.Sqlite returns them (DBNull as null).</summary>
    public static List<object?[]> Query(string path, string sql, params object?[] args)
    {
        using var conn = Open(path, SqliteOpenMode.ReadOnly);
        using var cmd = Command(conn, sql, args);
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static SqliteCommand Command(SqliteConnection conn, string sql, object?[] args)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        for (var i = 0; i < args.Length; i++)
        {
            cmd.Parameters.AddWithValue("@p" + i, args[i] ?? DBNull.Value);
        }
        return cmd;
    }
}

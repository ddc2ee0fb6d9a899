using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Internal;

/// <summary>Reads and switches a database's journal mode.</summary>
internal static class SqliteJournal
{
    public static string Get(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        return (string)cmd.ExecuteScalar()!;
    }

    /// <summary>
    /// Switches the mode when nobody else has the file open, without waiting: a mode change needs the file to itself, and
    /// with an application or another Cutover process holding it (a live source, a state shared with a running sync) a
    /// wait would only end in the same refusal after the busy timeout. Then the mode simply stays; correctness does not
    /// depend on it. The connection's busy timeout is then put back to <paramref name="busyTimeoutMs"/> (SqliteConnections' default).
    /// </summary>
    public static void TrySet(SqliteConnection conn, string mode, int busyTimeoutMs = 10_000)
    {
        var sql = "PRAGMA journal_mode = " + mode switch
        {
            "WAL" or "wal" => "WAL",
            "DELETE" or "delete" => "DELETE",
            "TRUNCATE" or "truncate" => "TRUNCATE",
            "PERSIST" or "persist" => "PERSIST",
            "MEMORY" or "memory" => "MEMORY",
            _ => "DELETE",
        };
        // The raw call, not a command: Microsoft.Data.Sqlite retries a busy statement until its command timeout.
        SQLitePCL.raw.sqlite3_busy_timeout(conn.Handle, 0);
        SQLitePCL.raw.sqlite3_exec(conn.Handle, sql);
        SQLitePCL.raw.sqlite3_busy_timeout(conn.Handle, busyTimeoutMs);
    }
}

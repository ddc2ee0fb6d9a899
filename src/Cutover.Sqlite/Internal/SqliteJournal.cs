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

    /// <summary>Switches the mode; a reader holding the file can make that fail, and then the mode simply stays.</summary>
    public static void TrySet(SqliteConnection conn, string mode)
    {
        try
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode = " + mode switch
            {
                "WAL" or "wal" => "WAL",
                "DELETE" or "delete" => "DELETE",
                "TRUNCATE" or "truncate" => "TRUNCATE",
                "PERSIST" or "persist" => "PERSIST",
                "MEMORY" or "memory" => "MEMORY",
                _ => "DELETE",
            };
            cmd.ExecuteScalar();
        }
        catch (SqliteException)
        {
            // Busy: another connection has the file open. Correctness does not depend on the mode.
        }
    }
}

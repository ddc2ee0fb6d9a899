using Cutover.Errors;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Internal;

/// <summary>Opens SQLite files the one way Cutover does: no pooling (files can be replaced), a busy timeout, never creating a source.</summary>
internal static class SqliteConnections
{
    /// <summary>
    /// Opens <paramref name="path"/>. A statement held up by another connection waits up to <paramref name="busyTimeout"/>
    /// (10 s by default; Microsoft.Data.Sqlite keeps retrying until its command timeout, 30 s by default, runs out too).
    /// </summary>
    public static SqliteConnection Open(string path, SqliteOpenMode mode, string role, TimeSpan? busyTimeout = null)
    {
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = busyTimeout is { } t ? Math.Max(1, (int)t.TotalSeconds) : 30,
            // Loads run with foreign keys unenforced (the bundled SQLite turns them on): rows land in any order,
            // cycles included; verify then counts rows whose foreign keys point nowhere (pragma_foreign_key_check).
            ForeignKeys = false,
        }.ToString();
        var conn = new SqliteConnection(cs);
        try
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA busy_timeout = " + (int)(busyTimeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds;
            cmd.ExecuteNonQuery();
            if (mode != SqliteOpenMode.ReadOnly)
            {
                cmd.CommandText = "PRAGMA synchronous = NORMAL";
                cmd.ExecuteNonQuery();
            }
            // Reading the schema proves the file is a database, not just a file that opened.
            cmd.CommandText = "SELECT COUNT(*) FROM sqlite_schema";
            cmd.ExecuteScalar();
            return conn;
        }
        catch (SqliteException ex)
        {
            conn.Dispose();
            var code = role == "source" ? ErrorCodes.SourceUnreachable : role == "target" ? ErrorCodes.TargetUnreachable : ErrorCodes.StateUnreachable;
            throw new CutoverException(code, $"{role} {path}: cannot open as SQLite: {ex.Message}", ex.SqliteErrorCode == 5, ex);
        }
    }
}

using System.Security.Cryptography;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite;

/// <summary>
/// Backups of a SQLite store: SQLite's online backup API copies the whole file, checksummed; restore puts the file back.
/// Without a file (<c>backup: none</c>), a restore drops the tables the run created.
/// </summary>
internal sealed partial class SqliteStore
{
    /// <summary>A SQLite backup is the whole file: cheap, and it is what a user of a single-file database expects.</summary>
    public bool BacksUpTablesOnly => false;

    public string? NoBackupReason => null;

    public Task<BackupInfo> BackupAsync(BackupRequest request, CancellationToken ct)
    {
        if (_conn is null)
        {
            return Task.FromResult(new BackupInfo("", "", 0, Existed: false));
        }
        Directory.CreateDirectory(request.Directory);
        var path = Path.Combine(request.Directory, request.Label + ".db");
        File.Delete(path);
        using (var dest = SqliteConnections.Open(path, SqliteOpenMode.ReadWriteCreate, "backup"))
        {
            Conn.BackupDatabase(dest);
        }
        return Task.FromResult(new BackupInfo(path, Sha256Of(path), new FileInfo(path).Length, Existed: true));
    }

    public Task RestoreAsync(BackupInfo backup, CancellationToken ct)
    {
        if (backup.Existed && backup.Path.Length == 0)
        {
            DropTables(backup.NewTables ?? []);
            return Task.CompletedTask;
        }
        CloseWriter();
        _conn?.Dispose();
        _conn = null;
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(FilePath + suffix);
        }
        if (backup.Existed)
        {
            using (var src = SqliteConnections.Open(backup.Path, SqliteOpenMode.ReadOnly, "backup"))
            using (var dest = SqliteConnections.Open(FilePath, SqliteOpenMode.ReadWriteCreate, _role))
            {
                src.BackupDatabase(dest);
            }
            // Keep serving the restored file; without this the store would read as empty until reopened.
            _conn = SqliteConnections.Open(FilePath, _readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite, _role);
        }
        return Task.CompletedTask;
    }

    /// <summary>Drops <paramref name="tables"/> (those that exist) in one transaction.</summary>
    private void DropTables(IReadOnlyList<string> tables)
    {
        if (tables.Count == 0 || _conn is null)
        {
            return;
        }
        using var tx = WriteConn.BeginTransaction();
        foreach (var t in tables)
        {
            using var cmd = WriteConn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"DROP TABLE IF EXISTS {SqliteSql.Quote(t)}";
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public Task<string?> CheckBackupIntegrityAsync(string path, CancellationToken ct)
    {
        // A backup too damaged to open or check is a failed check, not an unreachable store.
        try
        {
            using var conn = SqliteConnections.Open(path, SqliteOpenMode.ReadOnly, "backup");
            using var cmd = conn.CreateCommand();
            // quick_check reads every page and checks every b-tree (O(N)); integrity_check also cross-checks each index against
            // its table (O(N log N): 2.4 s against 0.2 s for a 300 MB file). A backup is a page-for-page copy whose SHA-256 is
            // checked too, so an index/table mismatch could only have come from the source itself.
            cmd.CommandText = "PRAGMA quick_check";
            var result = cmd.ExecuteScalar() as string;
            return Task.FromResult(result == "ok" ? null : result ?? "quick_check returned nothing");
        }
        catch (CutoverException ex) when (ex.InnerException is SqliteException)
        {
            return Task.FromResult<string?>(ex.InnerException.Message);
        }
        catch (SqliteException ex)
        {
            return Task.FromResult<string?>(ex.Message);
        }
    }

    internal static string Sha256Of(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}

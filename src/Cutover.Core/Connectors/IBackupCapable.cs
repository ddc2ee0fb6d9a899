namespace Cutover.Connectors;

/// <summary>A store that can copy itself (or the tables a run touches) to a file and be put back from it.</summary>
public interface IBackupCapable
{
    /// <summary>
    /// True when a backup holds only the tables asked for (a PostgreSQL database: <c>pg_dump --table</c>), false when it
    /// copies the whole store (a SQLite file).
    /// </summary>
    bool BacksUpTablesOnly { get; }

    /// <summary>Why this store is never backed up (a PostgreSQL source, which Cutover only reads), or null when it is.</summary>
    string? NoBackupReason { get; }

    /// <summary>Takes a consistent online backup into <see cref="BackupRequest.Directory"/>.</summary>
    Task<BackupInfo> BackupAsync(BackupRequest request, CancellationToken ct);

    /// <summary>
    /// Puts the store back to the backed-up state. When the store did not exist before, removes it. Otherwise drops
    /// <see cref="BackupInfo.NewTables"/> and, when there is a file, puts back what it holds.
    /// </summary>
    Task RestoreAsync(BackupInfo backup, CancellationToken ct);

    /// <summary>Checks a backup file opens and passes the store's own integrity check.</summary>
    Task<string?> CheckBackupIntegrityAsync(string path, CancellationToken ct);
}

namespace Cutover.Connectors;

/// <summary>A store that can copy itself to a file and be put back from it.</summary>
public interface IBackupCapable
{
    /// <summary>Takes a consistent online backup into <paramref name="directory"/>.</summary>
    Task<BackupInfo> BackupAsync(string directory, string label, CancellationToken ct);

    /// <summary>Puts the store back to the backed-up state; when the store did not exist before, removes it.</summary>
    Task RestoreAsync(BackupInfo backup, CancellationToken ct);

    /// <summary>Checks a backup file opens and passes the store's own integrity check.</summary>
    Task<string?> CheckBackupIntegrityAsync(string path, CancellationToken ct);
}

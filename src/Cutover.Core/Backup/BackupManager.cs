using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Internal;
using Cutover.Migration;
using Cutover.State;

namespace Cutover.Backup;

/// <summary>
/// Takes the pre-migration backups (source, and the target if it already existed), checksums and records them,
/// and puts stores back from them. A backup is verified (checksum and integrity) before it is restored.
/// </summary>
public static class BackupManager
{
    public const string SourceRole = "source";
    public const string TargetRole = "target";

    public static string Directory(MigrationContext ctx) => Path.Combine(ctx.Plan.StateDirectory, "backups");

    public static async Task<IReadOnlyList<BackupRecord>> TakeAsync(MigrationContext ctx, string runId, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var existing = (await state.BackupsAsync(ct).ConfigureAwait(false)).Where(b => b.RunId == runId).ToList();
        var taken = new List<BackupRecord>(existing);
        foreach (var (role, store, display) in new[] { (SourceRole, (ISourceStore)ctx.Source, ctx.SourceDisplay), (TargetRole, ctx.Target, ctx.TargetDisplay) })
        {
            if (existing.Any(b => b.Role == role))
            {
                continue;
            }
            if (store is not IBackupCapable capable)
            {
                ctx.Observer.Warn($"{role} {display} cannot be backed up by this connector; rollback will not be possible for it");
                continue;
            }
            var info = await capable.BackupAsync(Directory(ctx), $"{runId}-{role}", ct).ConfigureAwait(false);
            var record = new BackupRecord($"{runId}-{role}", runId, role, display, info.Path, info.Sha256, info.Bytes, info.Existed, ctx.Time.GetUtcNow(), null);
            if (info.Existed)
            {
                await VerifyAsync(ctx, record, ct).ConfigureAwait(false);
                record = record with { VerifiedAt = ctx.Time.GetUtcNow() };
                Log.BackupTaken(ctx.Logger, role, display, info.Path, info.Bytes, info.Sha256);
            }
            await state.AddBackupAsync(record, ct).ConfigureAwait(false);
            if (record.VerifiedAt is { } at)
            {
                await state.MarkBackupVerifiedAsync(record.Id, at, ct).ConfigureAwait(false);
            }
            taken.Add(record);
        }
        return taken;
    }

    /// <summary>Checks the backup file is there, has its recorded checksum and passes the store's integrity check.</summary>
    public static async Task VerifyAsync(MigrationContext ctx, BackupRecord b, CancellationToken ct)
    {
        if (!b.Existed)
        {
            return;
        }
        if (!File.Exists(b.Path))
        {
            throw new CutoverException(ErrorCodes.BackupMissing, $"backup {b.Id}: file {b.Path} is missing");
        }
        var sha = await Task.Run(() => Sha256Of(b.Path), ct).ConfigureAwait(false);
        if (sha != b.Sha256)
        {
            throw new CutoverException(ErrorCodes.BackupCorrupt, $"backup {b.Id}: checksum is {sha}, recorded {b.Sha256}; the file changed since it was taken");
        }
        var store = b.Role == SourceRole ? (object)ctx.Source : ctx.Target;
        if (store is IBackupCapable capable && await capable.CheckBackupIntegrityAsync(b.Path, ct).ConfigureAwait(false) is { } problem)
        {
            throw new CutoverException(ErrorCodes.BackupCorrupt, $"backup {b.Id}: integrity check failed: {problem}");
        }
    }

    /// <summary>Verifies then restores one backup into the store it came from.</summary>
    public static async Task RestoreAsync(MigrationContext ctx, BackupRecord b, CancellationToken ct)
    {
        await VerifyAsync(ctx, b, ct).ConfigureAwait(false);
        var store = b.Role == SourceRole ? (object)ctx.Source : ctx.Target;
        if (store is not IBackupCapable capable)
        {
            throw new CutoverException(ErrorCodes.RollbackFailed, $"{b.Role} {b.Store} cannot be restored by this connector");
        }
        await capable.RestoreAsync(new BackupInfo(b.Path, b.Sha256, b.Bytes, b.Existed), ct).ConfigureAwait(false);
        await ctx.RequireState().AuditAsync("backup.restore", $"{b.Role} {b.Store} restored from {b.Id}{(b.Existed ? "" : " (did not exist before: removed)")}", ct).ConfigureAwait(false);
    }

    private static string Sha256Of(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(fs));
    }
}

using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Internal;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;

namespace Cutover.Backup;

/// <summary>
/// Takes the pre-migration backups the plan asks for (<c>backup: all | target | none</c>), checksums and records them,
/// and puts stores back from them. A target backup covers the run's target tables: the ones that exist are kept (a
/// PostgreSQL database dumps just those; a SQLite file is copied whole), the ones that do not are recorded so a restore
/// drops them. A backup is verified (checksum and integrity) before it is restored. A backup that was not taken is
/// recorded too, with the reason, so a restore can say what it cannot put back.
/// </summary>
public static class BackupManager
{
    public const string SourceRole = "source";
    public const string TargetRole = "target";

    public static string Directory(MigrationContext ctx) => Path.Combine(ctx.Plan.StateDirectory, "backups");

    /// <summary>Takes (and records) the backups of <paramref name="runId"/> not taken yet; a resumed run keeps the ones it has.</summary>
    public static async Task<IReadOnlyList<BackupRecord>> TakeAsync(MigrationContext ctx, string runId, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var taken = (await state.BackupsAsync(ct).ConfigureAwait(false)).Where(b => b.RunId == runId).ToList();
        foreach (var role in new[] { SourceRole, TargetRole })
        {
            if (taken.Any(b => b.Role == role))
            {
                continue;
            }
            var record = role == SourceRole ? await SourceAsync(ctx, runId, ct).ConfigureAwait(false) : await TargetAsync(ctx, runId, ct).ConfigureAwait(false);
            if (record is null)
            {
                continue;
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

    /// <summary>Why the source is not backed up (the plan, or its connector), or null when it is.</summary>
    public static string? SourceSkipReason(MigrationContext ctx) => ctx.Plan.Backup switch
    {
        BackupPolicy.All => (ctx.Source as IBackupCapable)?.NoBackupReason,
        var p => $"backup: {Text(p)} in the plan (Cutover only reads the source)",
    };

    private static async Task<BackupRecord?> SourceAsync(MigrationContext ctx, string runId, CancellationToken ct)
    {
        var id = $"{runId}-{SourceRole}";
        if (SourceSkipReason(ctx) is { } reason)
        {
            ctx.Observer.Info($"source {ctx.SourceDisplay} not backed up: {reason}");
            return new BackupRecord(id, runId, SourceRole, ctx.SourceDisplay, "", "", 0, true, ctx.Time.GetUtcNow(), null) { Skipped = reason };
        }
        if (ctx.Source is not IBackupCapable capable)
        {
            ctx.Observer.Warn($"source {ctx.SourceDisplay} cannot be backed up by this connector; rollback will not be possible for it");
            return null;
        }
        var info = await capable.BackupAsync(new BackupRequest(Directory(ctx), id, [], []), ct).ConfigureAwait(false);
        return await RecordAsync(ctx, runId, SourceRole, ctx.SourceDisplay, info, ct).ConfigureAwait(false);
    }

    private static async Task<BackupRecord?> TargetAsync(MigrationContext ctx, string runId, CancellationToken ct)
    {
        var id = $"{runId}-{TargetRole}";
        var (tables, newTables) = await ScopeAsync(ctx, ct).ConfigureAwait(false);
        if (ctx.Plan.Backup == BackupPolicy.None && ctx.Target.Exists)
        {
            const string reason = "backup: none in the plan";
            ctx.Observer.Info($"target {ctx.TargetDisplay} not backed up ({reason})" + (tables.Count > 0
                ? $"; rollback cannot put back {string.Join(", ", tables)}, which existed before the run"
                : ""));
            return new BackupRecord(id, runId, TargetRole, ctx.TargetDisplay, "", "", 0, true, ctx.Time.GetUtcNow(), null)
            {
                Tables = tables,
                NewTables = newTables,
                Skipped = reason,
            };
        }
        if (ctx.Target is not IBackupCapable capable)
        {
            ctx.Observer.Warn($"target {ctx.TargetDisplay} cannot be backed up by this connector; rollback will not be possible for it");
            return null;
        }
        var info = await capable.BackupAsync(new BackupRequest(Directory(ctx), id, tables, newTables), ct).ConfigureAwait(false);
        return await RecordAsync(ctx, runId, TargetRole, ctx.TargetDisplay, info with { Tables = tables, NewTables = newTables }, ct).ConfigureAwait(false);
    }

    /// <summary>The run's target tables that exist now (a restore puts them back) and those that do not (a restore drops them).</summary>
    public static async Task<(IReadOnlyList<string> Tables, IReadOnlyList<string> NewTables)> ScopeAsync(MigrationContext ctx, CancellationToken ct)
    {
        var tables = new List<string>();
        var newTables = new List<string>();
        foreach (var name in ctx.Entities.Select(e => e.Target.Name).Distinct(StringComparer.Ordinal))
        {
            (ctx.Target.Exists && await ctx.Target.TableExistsAsync(name, ct).ConfigureAwait(false) ? tables : newTables).Add(name);
        }
        return (tables, newTables);
    }

    /// <summary>What the backup phase of a new run would take and what a rollback could undo, in words (<c>plan</c>, <c>migrate --dry-run</c>).</summary>
    public static async Task<IReadOnlyList<string>> PreviewAsync(MigrationContext ctx, CancellationToken ct)
    {
        var lines = new List<string>();
        lines.Add(SourceSkipReason(ctx) is { } reason
            ? $"source {ctx.SourceDisplay}: not backed up: {reason}"
            : $"source {ctx.SourceDisplay} ({Mb(await ctx.Source.SizeBytesAsync(ct).ConfigureAwait(false))}) -> {Directory(ctx)}");
        if (!ctx.Target.Exists)
        {
            lines.Add($"target {ctx.TargetDisplay} does not exist yet: rollback will remove it");
            return lines;
        }
        var (tables, newTables) = await ScopeAsync(ctx, ct).ConfigureAwait(false);
        var drops = newTables.Count > 0 ? $"; rollback drops {List(newTables)} (created by the run)" : "";
        if (ctx.Plan.Backup == BackupPolicy.None)
        {
            lines.Add($"target {ctx.TargetDisplay}: not backed up (backup: none)"
                + (tables.Count > 0 ? $"; rollback cannot put back {List(tables)}, which exist already" : "") + drops);
        }
        else if (ctx.Target is IBackupCapable { BacksUpTablesOnly: true })
        {
            lines.Add(tables.Count > 0
                ? $"target {ctx.TargetDisplay}: {List(tables)} -> {Directory(ctx)} (nothing else in it){drops}"
                : $"target {ctx.TargetDisplay}: none of the plan's tables exists yet, nothing to keep{drops}");
        }
        else
        {
            lines.Add($"target {ctx.TargetDisplay} ({Mb(await ctx.Target.SizeBytesAsync(ct).ConfigureAwait(false))}) -> {Directory(ctx)}");
        }
        return lines;
    }

    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:F1} MB";

    private static async Task<BackupRecord> RecordAsync(MigrationContext ctx, string runId, string role, string display, BackupInfo info, CancellationToken ct)
    {
        var record = new BackupRecord($"{runId}-{role}", runId, role, display, info.Path, info.Sha256, info.Bytes, info.Existed, ctx.Time.GetUtcNow(), null)
        {
            Tables = info.Tables,
            NewTables = info.NewTables,
        };
        if (record.HasFile)
        {
            await VerifyAsync(ctx, record, ct).ConfigureAwait(false);
            record = record with { VerifiedAt = ctx.Time.GetUtcNow() };
            Log.BackupTaken(ctx.Logger, role, display, info.Path, info.Bytes, info.Sha256);
        }
        return record;
    }

    /// <summary>Checks the backup file is there, has its recorded checksum and passes the store's integrity check. A backup without a file passes.</summary>
    public static async Task VerifyAsync(MigrationContext ctx, BackupRecord b, CancellationToken ct)
    {
        if (!b.HasFile)
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
        if (StoreOf(ctx, b) is IBackupCapable capable && await capable.CheckBackupIntegrityAsync(b.Path, ct).ConfigureAwait(false) is { } problem)
        {
            throw new CutoverException(ErrorCodes.BackupCorrupt, $"backup {b.Id}: integrity check failed: {problem}");
        }
    }

    /// <summary>
    /// Verifies <paramref name="b"/> and throws <c>BACKUP_NOT_TAKEN</c> when it was not taken and something existed that a
    /// restore would have to put back. A skipped backup whose run only created tables can still be "restored": the
    /// restore drops them.
    /// </summary>
    public static async Task CheckRestorableAsync(MigrationContext ctx, BackupRecord b, CancellationToken ct)
    {
        if (b.Skipped is { } reason && b.Existed && (b.Tables is null || b.Tables.Count > 0))
        {
            var what = b.Tables is null ? $"{b.Role} {b.Store}" : $"table(s) {string.Join(", ", b.Tables)} of {b.Role} {b.Store}, which existed before run {b.RunId},";
            var created = b.NewTables is { Count: > 0 } n ? $" (it could drop the tables the run created: {string.Join(", ", n)})" : "";
            throw new CutoverException(ErrorCodes.BackupNotTaken,
                $"run {b.RunId} took no backup of {b.Role} {b.Store} ({reason}), so {what} cannot be put back{created}; nothing was changed. Restore them from a backup of your own");
        }
        await VerifyAsync(ctx, b, ct).ConfigureAwait(false);
    }

    /// <summary>What restoring <paramref name="b"/> does, in words (rollback and <c>backup restore</c> print it).</summary>
    public static string Describe(MigrationContext ctx, BackupRecord b)
    {
        if (!b.Existed)
        {
            return $"remove {b.Role} {b.Store} (it did not exist before run {b.RunId})";
        }
        var drop = b.NewTables is { Count: > 0 } n ? $"drop {List(n)} from {b.Role} {b.Store} (created by run {b.RunId})" : null;
        if (!b.HasFile)
        {
            return drop is null ? $"{b.Role} {b.Store}: nothing to restore (run {b.RunId} neither created nor replaced a table)" : drop + "; nothing else to restore";
        }
        var restore = StoreOf(ctx, b) is IBackupCapable { BacksUpTablesOnly: true } && b.Tables is { } t
            ? $"restore {List(t)} of {b.Role} {b.Store} from {b.Path}"
            : $"restore {b.Role} {b.Store} from {b.Path}";
        return drop is null || StoreOf(ctx, b) is IBackupCapable { BacksUpTablesOnly: false } ? restore : $"{drop}; {restore}";
    }

    /// <summary>Verifies then restores one backup into the store it came from.</summary>
    public static async Task RestoreAsync(MigrationContext ctx, BackupRecord b, CancellationToken ct)
    {
        await CheckRestorableAsync(ctx, b, ct).ConfigureAwait(false);
        if (StoreOf(ctx, b) is not IBackupCapable capable)
        {
            throw new CutoverException(ErrorCodes.RollbackFailed, $"{b.Role} {b.Store} cannot be restored by this connector");
        }
        await capable.RestoreAsync(new BackupInfo(b.Path, b.Sha256, b.Bytes, b.Existed) { Tables = b.Tables, NewTables = b.NewTables }, ct).ConfigureAwait(false);
        await ctx.RequireState().AuditAsync("backup.restore", $"{b.Id}: {Describe(ctx, b)}", ct).ConfigureAwait(false);
    }

    private static object StoreOf(MigrationContext ctx, BackupRecord b) => b.Role == SourceRole ? ctx.Source : ctx.Target;

    private static string List(IReadOnlyList<string> tables) => (tables.Count == 1 ? "table " : "tables ") + string.Join(", ", tables);

    /// <summary>The backup phase's line in the progress output.</summary>
    public static string PhaseDetail(BackupPolicy policy) => policy switch
    {
        BackupPolicy.All => "online backup of source and existing target",
        BackupPolicy.Target => "online backup of the existing target (backup: target)",
        _ => "no backups (backup: none); recording which tables the run creates",
    };

    /// <summary>A policy as the plan spells it.</summary>
    public static string Text(BackupPolicy policy) => policy.ToString().ToLowerInvariant();

    private static string Sha256Of(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(fs));
    }
}

using Cutover.Backup;
using Cutover.Errors;
using Cutover.State;

namespace Cutover.Migration;

/// <summary>
/// Puts the target (and the source, if Cutover wrote to it) back to its state before the latest run, from the
/// verified backups, and marks the run rolled back so the next <c>migrate</c> starts afresh.
/// </summary>
public static class RollbackRunner
{
    public static async Task<IReadOnlyList<string>> RunAsync(MigrationContext ctx, bool dryRun, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var run = await state.LatestRunAsync(ct).ConfigureAwait(false)
            ?? throw new CutoverException(ErrorCodes.NoRun, $"plan '{ctx.Plan.Name}' has no run to roll back");
        if (run.Status == RunStatus.RolledBack)
        {
            throw new CutoverException(ErrorCodes.NoRun, $"run {run.Id} was already rolled back; nothing to do");
        }
        var backups = (await state.BackupsAsync(ct).ConfigureAwait(false)).Where(b => b.RunId == run.Id).ToList();
        var target = backups.FirstOrDefault(b => b.Role == BackupManager.TargetRole);
        if (target is null)
        {
            // The target backup is taken before the first write, so without one the run never wrote anything.
            var nothing = $"nothing to restore: run {run.Id} stopped in {run.Phase}, before it wrote anything";
            if (!dryRun)
            {
                await state.UpdateRunAsync(run with { Status = RunStatus.RolledBack, FinishedAt = ctx.Time.GetUtcNow() }, ct).ConfigureAwait(false);
                await state.AuditAsync("rollback", nothing, ct).ConfigureAwait(false);
            }
            return [nothing];
        }
        var sourceModified = await state.GetValueAsync(ControlKeys.SourceModified, ct).ConfigureAwait(false) == "true";
        var actions = new List<string>();
        // Check every backup before touching anything, so a bad (or missing) backup never leaves a half-done rollback.
        await BackupManager.CheckRestorableAsync(ctx, target, ct).ConfigureAwait(false);
        actions.Add(BackupManager.Describe(ctx, target));
        BackupRecord? source = null;
        if (sourceModified)
        {
            source = backups.FirstOrDefault(b => b.Role == BackupManager.SourceRole)
                ?? throw new CutoverException(ErrorCodes.BackupMissing, $"the source was written to but run {run.Id} has no source backup");
            await BackupManager.CheckRestorableAsync(ctx, source, ct).ConfigureAwait(false);
            actions.Add(BackupManager.Describe(ctx, source));
        }
        else
        {
            actions.Add("source left as it is: Cutover did not write to it");
        }
        if (dryRun)
        {
            return actions;
        }
        await BackupManager.RestoreAsync(ctx, target, ct).ConfigureAwait(false);
        if (source is not null)
        {
            await BackupManager.RestoreAsync(ctx, source, ct).ConfigureAwait(false);
            await state.SetValueAsync(ControlKeys.SourceModified, "false", ct).ConfigureAwait(false);
        }
        foreach (var f in await state.FailuresAsync(null, unresolvedOnly: true, ct).ConfigureAwait(false))
        {
            await state.ResolveFailureAsync(f.Id, ct).ConfigureAwait(false);
        }
        await state.UpdateRunAsync(run with { Status = RunStatus.RolledBack, FinishedAt = ctx.Time.GetUtcNow() }, ct).ConfigureAwait(false);
        await state.SetValueAsync(ControlKeys.Authority, "source", ct).ConfigureAwait(false);
        await state.AuditAsync("rollback", $"run {run.Id}: " + string.Join("; ", actions), ct).ConfigureAwait(false);
        return actions;
    }
}

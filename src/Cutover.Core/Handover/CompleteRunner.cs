using System.Text.Json;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.State;
using Cutover.Sync;

namespace Cutover.Handover;

/// <summary>
/// <c>cutover complete</c>: the migration is over. Removes what capture installed on both stores (triggers, changelogs,
/// control tables, publications and replication slots), writes the run's record (run, per-entity progress, sync progress,
/// audit log) to <c>archive/RUN.json</c> in the state folder, and marks the plan's stage <c>complete</c>. After it the old
/// store no longer follows the new one, so a rollback is from backups only.
/// </summary>
public static class CompleteRunner
{
    public sealed record Result(string Authority, IReadOnlyList<string> Removed, string ArchivePath);

    public static async Task<Result> RunAsync(MigrationContext ctx, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var run = await state.LatestRunAsync(ct).ConfigureAwait(false)
            ?? throw new CutoverException(ErrorCodes.NoRun, $"plan '{ctx.Plan.Name}' has no run to complete");
        if (await state.GetValueAsync(ControlKeys.Handover, ct).ConfigureAwait(false) is { } handover)
        {
            throw new CutoverException(ErrorCodes.WrongAuthority,
                $"a hand-over is in progress ({handover}); finish it with 'cutover cutover' (or 'cutover rollback'), then complete");
        }
        var authority = await state.GetValueAsync(ControlKeys.Authority, ct).ConfigureAwait(false) ?? "source";
        var removed = new List<string>();
        foreach (var direction in new[] { SyncDirection.Forward, SyncDirection.Reverse })
        {
            await using var capture = await SyncPath.OpenCaptureAsync(ctx, direction, ct).ConfigureAwait(false);
            var status = await capture.StatusAsync(ct).ConfigureAwait(false);
            if (status.Guarded || status.Capturing)
            {
                await capture.RemoveAsync(ct).ConfigureAwait(false);
                removed.Add($"{capture.Display}: capture ({status.Mode.ToString().ToLowerInvariant()}) and write guard removed" + (status.Pending > 0 ? $", {status.Pending} unapplied changes dropped" : ""));
            }
        }
        var archive = Path.Combine(ctx.Plan.StateDirectory, "archive", run.Id + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
        var record = new
        {
            plan = ctx.Plan.Name,
            run,
            authority,
            progress = await state.ProgressAsync(run.Id, ct).ConfigureAwait(false),
            sync_forward = await SyncProgress.ReadAsync(state, SyncDirection.Forward, ct).ConfigureAwait(false),
            sync_reverse = await SyncProgress.ReadAsync(state, SyncDirection.Reverse, ct).ConfigureAwait(false),
            audit = await state.AuditLogAsync(10_000, ct).ConfigureAwait(false),
            completed_at = ctx.Time.GetUtcNow(),
        };
        await File.WriteAllTextAsync(archive, JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true }), ct).ConfigureAwait(false);
        await state.SetValueAsync(ControlKeys.Stage, "complete", ct).ConfigureAwait(false);
        await state.SetValueAsync(ControlKeys.Maintenance, "off", ct).ConfigureAwait(false);
        await state.AuditAsync("complete", $"run {run.Id} archived to {archive}; authority stays on the {authority}; {removed.Count} stores cleaned", ct).ConfigureAwait(false);
        return new Result(authority, removed, archive);
    }
}

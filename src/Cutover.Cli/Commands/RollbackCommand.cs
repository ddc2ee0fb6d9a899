using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Migration;
using Cutover.State;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover rollback PLAN [--dry-run]</c>: the target (and the source, if written to) back to before the latest run.</summary>
internal static class RollbackCommand
{
    public sealed record Options(string Plan, bool DryRun, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var dryRun = CommonOptions.DryRun();
        var json = CommonOptions.Json();
        var cmd = new Command("rollback", "Go back: after a cut-over, drain the target's writes into the source and make it authoritative again; otherwise restore from the verified pre-migration backups.")
        {
            plan, dryRun, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(dryRun), r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("rollback", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        // Decided from the control state, not the plan: after a cut-over the target holds writes a backup restore would lose.
        if (await HandoverStateAsync(plan, ct).ConfigureAwait(false) is var (authority, handover, capturing))
        {
            if (authority == "target" || handover?.StartsWith(Handover.HandoverRunner.Prefix(Sync.SyncDirection.Reverse), StringComparison.Ordinal) == true)
            {
                if (plan.Capture == Capture.CaptureMode.None)
                {
                    throw new Errors.CutoverException(Errors.ErrorCodes.CaptureNotInstalled,
                        $"{plan.FilePath}: the target is authoritative, but the plan now says capture: none; put capture back as it was to roll back");
                }
                if (o.DryRun)
                {
                    Console.Out.WriteLine("would freeze writes on the target, apply its captured writes to the source, verify, switch authority to the source and unfreeze it. dry run: nothing was written.");
                    return Errors.ExitCodes.Ok;
                }
                // After a cut-over (or a rollback killed part-way): the target's writes flow back and authority returns to the source, losing none.
                return await CutoverCommand.HandOverAsync(plan, Sync.SyncDirection.Reverse, o.Json, ct).ConfigureAwait(false);
            }
            if (handover?.StartsWith(Handover.HandoverRunner.Prefix(Sync.SyncDirection.Forward), StringComparison.Ordinal) == true)
            {
                if (o.DryRun)
                {
                    Console.Out.WriteLine($"would undo the interrupted cut-over ({handover}): unfreeze the source, which stays authoritative. dry run: nothing was written.");
                    return Errors.ExitCodes.Ok;
                }
                return await AbortCutoverAsync(plan, o.Json, ct).ConfigureAwait(false);
            }
            if (capturing)
            {
                throw new Errors.CutoverException(Errors.ErrorCodes.WrongAuthority,
                    "the source is authoritative and its writes are being captured: there is no cut-over to roll back. To undo the migration from its backups, "
                    + $"first remove the capture (cutover complete {plan.FilePath}), then run rollback again");
            }
        }
        using var planLock = o.DryRun ? null : PlanLock.Acquire(plan.StateDirectory, plan.Name);
        using var syncLock = o.DryRun ? null : PlanLock.Acquire(plan.StateDirectory, plan.Name, Handover.HandoverRunner.SyncLockFile, $"a sync of plan '{plan.Name}' is running; stop it before restoring backups");
        await using var ctx = await CliRuntime.OpenAsync(plan, o.DryRun ? SessionMode.ReadOnly : SessionMode.Write, null, null, ct, lockPlan: !o.DryRun).ConfigureAwait(false);
        var actions = await RollbackRunner.RunAsync(ctx, o.DryRun, ct).ConfigureAwait(false);
        if (o.Json)
        {
            CliRuntime.WriteJson(new { dry_run = o.DryRun, actions });
        }
        else
        {
            foreach (var a in actions)
            {
                Console.Out.WriteLine(o.DryRun && (a.StartsWith("restore", StringComparison.Ordinal) || a.StartsWith("remove", StringComparison.Ordinal) || a.StartsWith("drop", StringComparison.Ordinal)) ? "would " + a : a);
            }
            Console.Out.WriteLine(o.DryRun ? "dry run: nothing was written." : "rollback complete: the next 'cutover migrate' starts afresh.");
        }
        return Errors.ExitCodes.Ok;
    });

    /// <summary>The control state: authority, a hand-over in progress, and whether capture is running (installed by migrate, not yet completed).</summary>
    private static async Task<(string Authority, string? Handover, bool Capturing)?> HandoverStateAsync(Plan.MigrationPlan plan, CancellationToken ct)
    {
        await using var state = await CliRuntime.OpenStateAsync(plan, create: false, lockPlan: false, ct).ConfigureAwait(false);
        if (state is null || await state.GetValueAsync(ControlKeys.Authority, ct).ConfigureAwait(false) is not { } authority)
        {
            return null;
        }
        var capturing = await state.GetValueAsync(ControlKeys.Stage, ct).ConfigureAwait(false) != "complete"
            && plan.Capture != Capture.CaptureMode.None;
        return (authority, await state.GetValueAsync(ControlKeys.Handover, ct).ConfigureAwait(false), capturing);
    }

    /// <summary>A cut-over killed before its switch left the source frozen: undo it (the source stays authoritative).</summary>
    private static async Task<int> AbortCutoverAsync(Plan.MigrationPlan plan, bool json, CancellationToken ct)
    {
        using var planLock = PlanLock.Acquire(plan.StateDirectory, plan.Name);
        await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.Write, null, null, ct, lockPlan: true).ConfigureAwait(false);
        // Read again under the lock: a cut-over that finished meanwhile must not be undone.
        var handover = await ctx.RequireState().GetValueAsync(ControlKeys.Handover, ct).ConfigureAwait(false);
        await using var path = await Sync.SyncPath.OpenAsync(ctx, Sync.SyncDirection.Forward, ct).ConfigureAwait(false);
        await Handover.HandoverRunner.AbortAsync(ctx, path, Sync.SyncDirection.Forward, ct).ConfigureAwait(false);
        if (json)
        {
            CliRuntime.WriteJson(new { plan = plan.Name, aborted = handover, authority = "source" });
        }
        else
        {
            Console.Out.WriteLine($"an interrupted cut-over ({handover ?? "already finished"}) was undone: the source is authoritative and writable again.");
        }
        return Errors.ExitCodes.Ok;
    }
}

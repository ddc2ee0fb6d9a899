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
        if (plan.Capture != Capture.CaptureMode.None && await HandoverStateAsync(plan, ct).ConfigureAwait(false) is var (authority, handover))
        {
            if (authority == "target")
            {
                if (o.DryRun)
                {
                    Console.Out.WriteLine("would freeze writes on the target, apply its captured writes to the source, verify, switch authority to the source and unfreeze it. dry run: nothing was written.");
                    return Errors.ExitCodes.Ok;
                }
                // After a cut-over: the target's writes flow back and authority returns to the source, losing none of them.
                return await CutoverCommand.HandOverAsync(plan, Sync.SyncDirection.Reverse, o.Json, ct).ConfigureAwait(false);
            }
            if (handover?.StartsWith(Handover.HandoverRunner.Prefix(Sync.SyncDirection.Forward), StringComparison.Ordinal) == true && !o.DryRun)
            {
                return await AbortCutoverAsync(plan, handover, o.Json, ct).ConfigureAwait(false);
            }
        }
        using var planLock = o.DryRun ? null : PlanLock.Acquire(plan.StateDirectory, plan.Name);
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

    private static async Task<(string Authority, string? Handover)?> HandoverStateAsync(Plan.MigrationPlan plan, CancellationToken ct)
    {
        await using var state = await CliRuntime.OpenStateAsync(plan, create: false, lockPlan: false, ct).ConfigureAwait(false);
        if (state is null)
        {
            return null;
        }
        return (await state.GetValueAsync(ControlKeys.Authority, ct).ConfigureAwait(false) ?? "source", await state.GetValueAsync(ControlKeys.Handover, ct).ConfigureAwait(false));
    }

    /// <summary>A cut-over killed before its switch left the source frozen: undo it (the source stays authoritative).</summary>
    private static async Task<int> AbortCutoverAsync(Plan.MigrationPlan plan, string handover, bool json, CancellationToken ct)
    {
        using var planLock = PlanLock.Acquire(plan.StateDirectory, plan.Name);
        await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.Write, null, null, ct, lockPlan: true).ConfigureAwait(false);
        await using var path = await Sync.SyncPath.OpenAsync(ctx, Sync.SyncDirection.Forward, ct).ConfigureAwait(false);
        await Handover.HandoverRunner.AbortAsync(ctx, path, Sync.SyncDirection.Forward, ct).ConfigureAwait(false);
        if (json)
        {
            CliRuntime.WriteJson(new { plan = plan.Name, aborted = handover, authority = "source" });
        }
        else
        {
            Console.Out.WriteLine($"an interrupted cut-over ({handover}) was undone: the source is authoritative and writable again.");
        }
        return Errors.ExitCodes.Ok;
    }
}

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
        var cmd = new Command("rollback", "Restore the target (and the source, if Cutover wrote to it) from the verified pre-migration backups.")
        {
            plan, dryRun, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(dryRun), r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("rollback", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
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
}

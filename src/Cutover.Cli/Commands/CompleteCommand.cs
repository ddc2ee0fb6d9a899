using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Handover;
using Cutover.Migration;
using Cutover.State;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover complete PLAN [--json]</c>: removes capture (triggers, changelogs, slots) from both stores and archives the run.</summary>
internal static class CompleteCommand
{
    public sealed record Options(string Plan, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var cmd = new Command("complete", "Finish the migration: remove Cutover's triggers, changelogs, replication slots and publications from both stores, and archive the run.")
        {
            plan, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("complete", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        using var planLock = PlanLock.Acquire(plan.StateDirectory, plan.Name);
        using var syncLock = PlanLock.Acquire(plan.StateDirectory, plan.Name, HandoverRunner.SyncLockFile, $"a sync of plan '{plan.Name}' is running; stop it first");
        await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.Write, null, null, ct, lockPlan: true).ConfigureAwait(false);
        var r = await CompleteRunner.RunAsync(ctx, ct).ConfigureAwait(false);
        if (o.Json)
        {
            CliRuntime.WriteJson(new { plan = plan.Name, authority = r.Authority, removed = r.Removed, archive = r.ArchivePath });
        }
        else
        {
            foreach (var line in r.Removed)
            {
                Console.Out.WriteLine(line);
            }
            Console.Out.WriteLine($"complete: the run is archived in {r.ArchivePath}; the {r.Authority} is authoritative and nothing of Cutover's is left on either store.");
        }
        return Errors.ExitCodes.Ok;
    });
}

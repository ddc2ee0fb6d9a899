using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.State;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover pause PLAN</c> and <c>cutover resume PLAN</c>: a running copy or sync waits between batches while the plan is
/// paused (it checks every 250 ms), and goes on where it was when resumed. Both are written to the audit log.
/// </summary>
internal static class PauseCommand
{
    public sealed record Options(string Plan, bool Pause, bool Json);

    public static Command Build(bool pause)
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var cmd = new Command(pause ? "pause" : "resume", pause
            ? "Pause a running copy or sync between batches (it waits until 'cutover resume')."
            : "Resume a copy or sync paused with 'cutover pause'.")
        {
            plan, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, pause, r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync(o.Pause ? "pause" : "resume", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        await using var state = await CliRuntime.OpenStateAsync(plan, create: true, lockPlan: false, ct).ConfigureAwait(false);
        var was = await state!.GetValueAsync(ControlKeys.Paused, ct).ConfigureAwait(false) == "true";
        await state.SetValueAsync(ControlKeys.Paused, o.Pause ? "true" : null, ct).ConfigureAwait(false);
        if (was != o.Pause)
        {
            await state.AuditAsync(o.Pause ? "pause" : "resume", o.Pause ? "copy and sync wait between batches" : "copy and sync go on", ct).ConfigureAwait(false);
        }
        if (o.Json)
        {
            CliRuntime.WriteJson(new { plan = plan.Name, paused = o.Pause, changed = was != o.Pause });
        }
        else
        {
            Console.Out.WriteLine(o.Pause
                ? (was ? $"plan {plan.Name} was already paused." : $"plan {plan.Name} paused: a running copy or sync waits after its current batch (resume with: cutover resume {o.Plan}).")
                : (was ? $"plan {plan.Name} resumed." : $"plan {plan.Name} was not paused."));
        }
        return Errors.ExitCodes.Ok;
    });
}

using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Migration;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover plan PLAN</c>: validates the plan against the source and shows what would happen. Writes nothing.</summary>
internal static class PlanCommand
{
    public sealed record Options(string Plan, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var cmd = new Command("plan", "Check the plan (every error with file:line:column) and show entities, row counts, transforms and checks. Writes nothing.")
        {
            plan, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("plan", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.ReadOnly, null, null, ct).ConfigureAwait(false);
        var report = await Migrator.DryRunAsync(ctx, ct).ConfigureAwait(false);
        if (o.Json)
        {
            CliRuntime.WriteJson(new { valid = true, report });
        }
        else
        {
            Reports.DryRun(report, withDdl: false);
            Console.Out.WriteLine(report.PreflightPassed ? "plan is valid." : "plan is valid, but preflight found problems (above); migrate would stop.");
        }
        return report.PreflightPassed ? Errors.ExitCodes.Ok : Errors.ExitCodes.PreflightFailed;
    });
}

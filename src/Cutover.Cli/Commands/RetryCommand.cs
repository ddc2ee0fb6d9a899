using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Migration;
using Cutover.State;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover retry PLAN</c>: re-attempts the rows recorded as failed.</summary>
internal static class RetryCommand
{
    public sealed record Options(string Plan, string? Entity, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var entity = new Option<string?>("--entity") { Description = "Retry only this entity's failures" };
        var json = CommonOptions.Json();
        var cmd = new Command("retry", "Re-read each recorded failed row from the source, transform it with the current plan and write it again.")
        {
            plan, entity, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(entity), r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("retry", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        using var planLock = PlanLock.Acquire(plan.StateDirectory, plan.Name);
        using var loggers = FileLog.CreateFactory();
        await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.Write, null, loggers.CreateLogger("retry"), ct, lockPlan: true).ConfigureAwait(false);
        var r = await RetryRunner.RunAsync(ctx, o.Entity, ct).ConfigureAwait(false);
        if (o.Json)
        {
            CliRuntime.WriteJson(new { attempted = r.Attempted, @fixed = r.Fixed, still_failing = r.StillFailing, gone_from_source = r.GoneFromSource, remaining = r.Remaining });
        }
        else
        {
            Console.Out.WriteLine($"retry: {r.Attempted} recorded failures attempted: {r.Fixed} now written, {r.StillFailing} still failing, {r.GoneFromSource} no longer in the source.");
            foreach (var line in r.Remaining.Take(20))
            {
                Console.Out.WriteLine("  " + line);
            }
            if (r.Fixed > 0)
            {
                Console.Out.WriteLine("run 'cutover verify' to confirm the target.");
            }
        }
        return r.StillFailing > 0 ? Errors.ExitCodes.RowsRejected : Errors.ExitCodes.Ok;
    });
}

using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Migration;
using Cutover.State;
using Spectre.Console;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover migrate PLAN [--dry-run] [--json]</c>: preflight, backup, schema, copy, verify, checks; resumes an interrupted run.</summary>
internal static class MigrateCommand
{
    public sealed record Options(string Plan, bool DryRun, bool Json, int? Jobs = null, long SplitRows = MigrationContext.DefaultSplitRows);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var dryRun = CommonOptions.DryRun();
        var json = CommonOptions.Json();
        var jobs = CommonOptions.Jobs("copy jobs (an entity, or a key range of a large one)");
        var split = CommonOptions.SplitLargerThan("copied");
        var cmd = new Command("migrate", "Copy the source into the target as the plan says, verify it, run the checks. Run it again after any stop to resume.")
        {
            plan, dryRun, json, jobs, split,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(dryRun), r.GetValue(json), r.GetValue(jobs), r.GetValue(split)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("migrate", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        if (o.DryRun)
        {
            await using var ro = await CliRuntime.OpenAsync(plan, SessionMode.ReadOnly, null, null, ct).ConfigureAwait(false);
            var report = await Migrator.DryRunAsync(ro, ct).ConfigureAwait(false);
            if (o.Json)
            {
                CliRuntime.WriteJson(new { dry_run = true, report });
            }
            else
            {
                Reports.DryRun(report, withDdl: true);
            }
            return report.PreflightPassed ? Errors.ExitCodes.Ok : Errors.ExitCodes.PreflightFailed;
        }
        using var planLock = PlanLock.Acquire(plan.StateDirectory, plan.Name);
        // A sync applying changes into tables being copied again would race the copy (a row it deletes could come back).
        using var syncLock = PlanLock.Acquire(plan.StateDirectory, plan.Name, Handover.HandoverRunner.SyncLockFile, $"a sync of plan '{plan.Name}' is running; stop it before migrate");
        FileLog.Attach(plan.StateDirectory);
        using var loggers = FileLog.CreateFactory();
        var result = await Terminal.WithProgressAsync(o.Json, async observer =>
        {
            await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.Write, observer, loggers.CreateLogger("migrate"), ct, lockPlan: true).ConfigureAwait(false);
            ctx.Jobs = CommonOptions.JobsFor(o.Jobs, ctx.Target);
            ctx.SplitRows = o.SplitRows;
            return await Migrator.RunAsync(ctx, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (o.Json)
        {
            CliRuntime.WriteJson(Reports.MigrateJson(result));
        }
        else
        {
            Reports.Migrate(result);
        }
        if (result.ErrorCode is not null)
        {
            CliRuntime.Fail("migrate", json: false, result.ErrorCode, result.ErrorMessage!, result.ErrorDetails);
        }
        return result.ExitCode;
    });
}

using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Handover;
using Cutover.Migration;
using Cutover.State;
using Cutover.Sync;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover cutover PLAN [--json]</c>: moves authority from the source to the target with a short write freeze,
/// and starts capturing the target's writes so they flow back. Also the handler of <c>cutover rollback</c> after a cut-over.
/// </summary>
internal static class CutoverCommand
{
    public sealed record Options(string Plan, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var cmd = new Command("cutover", "Switch authority to the target: check lag, freeze writes on the source, drain, verify, switch, capture the target's writes for the way back, unfreeze. Reports the write pause.")
        {
            plan, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("cutover", o.Json, async () =>
    {
        var plan = CliRuntime.LoadCapturingPlan(o.Plan, "writes made since the copy would be lost");
        return await HandOverAsync(plan, SyncDirection.Forward, o.Json, ct).ConfigureAwait(false);
    });

    /// <summary>Runs a hand-over in <paramref name="direction"/> and reports it; shared by cutover and rollback.</summary>
    public static async Task<int> HandOverAsync(Plan.MigrationPlan plan, SyncDirection direction, bool json, CancellationToken ct)
    {
        var command = HandoverRunner.Prefix(direction);
        using var planLock = PlanLock.Acquire(plan.StateDirectory, plan.Name);
        FileLog.Attach(plan.StateDirectory);
        using var loggers = FileLog.CreateFactory();
        var observer = new PlainObserver(json ? Console.Error : Console.Out);
        await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.Write, observer, loggers.CreateLogger(command), ct, lockPlan: true).ConfigureAwait(false);
        var r = await HandoverRunner.RunAsync(ctx, direction, ct).ConfigureAwait(false);
        var from = direction.From();
        if (json)
        {
            CliRuntime.WriteJson(new
            {
                plan = plan.Name,
                ok = r.Ok,
                authority = r.Authority,
                write_pause_ms = Math.Round(r.PauseMs, 1),
                changes_before_freeze = r.ChangesBeforeFreeze,
                changes_drained = r.ChangesDrained,
                finished_interrupted = r.Finished,
                steps = r.Steps.Select(s => new { step = s.Step, ms = Math.Round(s.Ms, 1) }),
                verification = r.Verification.Select(v => new { entity = v.Entity, source_rows = v.SourceRows, target_rows = v.TargetRows, match = v.Match }),
                failed_step = r.FailedStep,
                error = r.ErrorCode is null ? null : new { code = r.ErrorCode, message = r.ErrorMessage },
            });
        }
        else if (r.Ok)
        {
            foreach (var (step, ms) in r.Steps)
            {
                Console.Out.WriteLine($"  {step,-9} {ms,8:F0} ms");
            }
            Console.Out.WriteLine(r.Finished
                ? $"{command}: finished an interrupted {command}; authority: {r.Authority}."
                : $"{command} complete: authority is now the {r.Authority}. Writes were paused for {r.PauseMs:F0} ms; {r.ChangesBeforeFreeze + r.ChangesDrained} changes applied ({r.ChangesDrained} during the freeze)"
                  + (r.Verification.Count > 0 ? $"; {r.Verification.Count} entities verified ({plan.Cutover.Verify.ToString().ToLowerInvariant()})." : "."));
            Console.Out.WriteLine(direction == SyncDirection.Forward
                ? $"writes on the target now flow back to the source: keep 'cutover sync {plan.FilePath} --follow' running; go back with 'cutover rollback', finish with 'cutover complete'."
                : $"writes on the source flow to the target again: keep 'cutover sync {plan.FilePath} --follow' running; cut over again when ready.");
        }
        if (!r.Ok)
        {
            CliRuntime.Fail(command, json: false, ErrorCodes.CutoverFailed,
                $"{command} failed at step '{r.FailedStep}': {r.ErrorCode}: {r.ErrorMessage?.TrimEnd('.')}. The {from} is still authoritative and writable", []);
            return ExitCodes.For(r.ErrorCode == ErrorCodes.Interrupted ? ErrorCodes.Interrupted : ErrorCodes.CutoverFailed);
        }
        return ExitCodes.Ok;
    }
}

using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Handover;
using Cutover.Migration;
using Cutover.State;
using Cutover.Sync;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover sync PLAN [--follow] [--json]</c>: applies captured changes from the authoritative store to the other one
/// (source to target before a cut-over, target to source after it). Without --follow it stops when none are pending;
/// with --follow it keeps applying until Ctrl-C, steps aside while a cut-over or rollback runs and then follows the new direction.
/// </summary>
internal static class SyncCommand
{
    public sealed record Options(string Plan, bool Follow, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep applying changes as they come, until Ctrl-C (steps aside during a cut-over or rollback)" };
        var json = CommonOptions.Json();
        var cmd = new Command("sync", "Apply the writes captured on the authoritative store to the other one, in commit order; safe to stop and run again.")
        {
            plan, follow, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(follow), r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("sync", o.Json, async () =>
    {
        var plan = CliRuntime.LoadCapturingPlan(o.Plan, "no writes are recorded");
        FileLog.Attach(plan.StateDirectory);
        using var loggers = FileLog.CreateFactory();
        var observer = new PlainObserver(o.Json ? Console.Error : Console.Out);
        await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.Write, observer, loggers.CreateLogger("sync"), ct).ConfigureAwait(false);
        var state = ctx.RequireState();
        var run = await state.LatestRunAsync(ct).ConfigureAwait(false);
        if (run?.Status != RunStatus.Completed)
        {
            throw new CutoverException(ErrorCodes.SyncNotReady,
                $"the copy has not finished (run {run?.Id ?? "none"}: {(run is null ? "not started" : RunStatusText.ToText(run.Status) + " in " + run.Phase)}); changes are applied once it has: cutover migrate {o.Plan}");
        }
        if (await state.GetValueAsync(ControlKeys.Stage, ct).ConfigureAwait(false) == "complete")
        {
            throw new CutoverException(ErrorCodes.CaptureNotInstalled, $"plan '{plan.Name}' is complete: capture was removed and the run archived; there is nothing left to sync");
        }
        var results = new List<SyncResult>();
        while (!ct.IsCancellationRequested)
        {
            if (await state.GetValueAsync(ControlKeys.Handover, ct).ConfigureAwait(false) is { } handover)
            {
                if (!o.Follow)
                {
                    throw new CutoverException(ErrorCodes.WritesFrozen, $"a hand-over is in progress ({handover}); it applies the changes itself");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(20), ct).ConfigureAwait(false);
                continue;
            }
            using var syncLock = o.Follow
                ? await PlanLock.WaitAsync(plan.StateDirectory, plan.Name, HandoverRunner.SyncLockFile, $"a sync of plan '{plan.Name}' is already running", TimeSpan.FromDays(1), TimeProvider.System, ct).ConfigureAwait(false)
                : PlanLock.Acquire(plan.StateDirectory, plan.Name, HandoverRunner.SyncLockFile, $"a sync of plan '{plan.Name}' is already running");
            // Checked again each time the lock is taken: a migrate or restore may have run while this sync stood aside.
            var current = await state.LatestRunAsync(ct).ConfigureAwait(false);
            if (current?.Id != run.Id || current.Status != RunStatus.Completed)
            {
                throw new CutoverException(ErrorCodes.SyncNotReady, $"run {run.Id} is no longer the completed copy sync started from; run sync again once migrate has finished");
            }
            var direction = await state.GetValueAsync(ControlKeys.Authority, ct).ConfigureAwait(false) == "target" ? SyncDirection.Reverse : SyncDirection.Forward;
            await using var path = await SyncPath.OpenAsync(ctx, direction, ct).ConfigureAwait(false);
            using var stepAside = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var watcher = o.Follow ? WatchForHandoverAsync(plan, stepAside) : Task.CompletedTask;
            if (o.Follow)
            {
                observer.Info($"sync {Name(direction)}: following {path.Capture.Display} (Ctrl-C to stop)");
            }
            var result = await SyncRunner.RunAsync(ctx, path, o.Follow, stepAside.Token).ConfigureAwait(false);
            await stepAside.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
            results.Add(result);
            if (!o.Follow)
            {
                break;
            }
            if (!ct.IsCancellationRequested)
            {
                observer.Info($"sync {Name(direction)}: a cut-over or rollback started; stepping aside ({result.Changes} changes applied)");
            }
        }
        if (o.Json)
        {
            CliRuntime.WriteJson(new
            {
                plan = plan.Name,
                runs = results.Select(r => new
                {
                    direction = Name(r.Direction),
                    changes = r.Changes,
                    transactions = r.Transactions,
                    batches = r.Batches,
                    rejected = r.Rejected,
                    seconds = Math.Round(r.Seconds, 3),
                    lag_p50_ms = Math.Round(r.LagP50Ms, 1),
                    lag_p99_ms = Math.Round(r.LagP99Ms, 1),
                    lag_max_ms = Math.Round(r.LagMaxMs, 1),
                    pending = r.Pending,
                }),
                changes = results.Sum(r => r.Changes),
                pending = results.Count > 0 ? results[^1].Pending : 0,
            });
        }
        else
        {
            foreach (var r in results)
            {
                Console.Out.WriteLine($"sync {Name(r.Direction)}: {r.Changes} changes in {r.Transactions} transactions ({r.Batches} batches) applied in {r.Seconds:F1}s"
                    + (r.Changes > 0 ? $"; lag p50 {r.LagP50Ms:F0} ms, p99 {r.LagP99Ms:F0} ms, max {r.LagMaxMs:F0} ms" : "")
                    + $"; {r.Pending} pending" + (r.Rejected > 0 ? $"; {r.Rejected} rows refused (see: cutover status)" : ""));
            }
        }
        return results.Any(r => r.Rejected > 0) ? ExitCodes.RowsRejected : ExitCodes.Ok;
    });

    private static string Name(SyncDirection d) => d == SyncDirection.Forward ? "source -> target" : "target -> source";

    /// <summary>Cancels <paramref name="stepAside"/> once a cut-over or rollback starts, so a following sync lets it take over.</summary>
    private static async Task WatchForHandoverAsync(Plan.MigrationPlan plan, CancellationTokenSource stepAside)
    {
        try
        {
            // Its own connection: the sync uses the command's state store meanwhile.
            await using var state = await CliRuntime.OpenStateAsync(plan, create: false, lockPlan: false, stepAside.Token).ConfigureAwait(false);
            if (state is null)
            {
                return;
            }
            while (!stepAside.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), stepAside.Token).ConfigureAwait(false);
                if (await state.GetValueAsync(ControlKeys.Handover, stepAside.Token).ConfigureAwait(false) is not null)
                {
                    await stepAside.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the caller or by the hand-over itself.
        }
    }
}

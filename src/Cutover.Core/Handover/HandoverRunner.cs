using System.Diagnostics;
using Cutover.Capture;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;
using Cutover.Sync;
using Cutover.Verification;

namespace Cutover.Handover;

/// <summary>
/// Moves authority from one store to the other: <c>cutover cutover</c> (source to target, <see cref="SyncDirection.Forward"/>)
/// and <c>cutover rollback</c> after a cut-over (target to source, <see cref="SyncDirection.Reverse"/>). The order keeps one
/// authority at every instant, also when the process is killed: the new side is frozen before anything else and stays
/// frozen until the switch; the old side is frozen before the last changes are drained and stays frozen after the switch;
/// the switch itself is one write of <c>authority</c> in the state store. A failure before the switch unfreezes the old
/// side and names the step; after it, running the command again finishes the job.
/// </summary>
public static class HandoverRunner
{
    public static async Task<HandoverResult> RunAsync(MigrationContext ctx, SyncDirection direction, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var from = direction.From();
        var to = direction.To();
        var verb = direction == SyncDirection.Forward ? "cut-over" : "rollback";
        var authority = await state.GetValueAsync(ControlKeys.Authority, ct).ConfigureAwait(false) ?? "source";
        var handover = await state.GetValueAsync(ControlKeys.Handover, ct).ConfigureAwait(false);
        var steps = new List<(string, double)>();

        await using var path = await SyncPath.OpenAsync(ctx, direction, ct).ConfigureAwait(false);
        await using var back = await SyncPath.OpenAsync(ctx, Opposite(direction), ct).ConfigureAwait(false);
        if (authority == to)
        {
            if (handover is null || !handover.StartsWith(Prefix(direction), StringComparison.Ordinal))
            {
                throw new CutoverException(ErrorCodes.WrongAuthority, direction == SyncDirection.Forward
                    ? "the target is already authoritative (cut over earlier); to go back run: cutover rollback " + ctx.Plan.FilePath
                    : "the source is already authoritative; nothing to roll back");
            }
            // Killed after the switch: the new side only needs unfreezing.
            var clock = Stopwatch.StartNew();
            await FinishAsync(ctx, path, back, direction, null, ct).ConfigureAwait(false);
            steps.Add((HandoverSteps.Unfreeze, clock.Elapsed.TotalMilliseconds));
            return new HandoverResult { Direction = direction, Authority = to, Steps = steps, Finished = true };
        }
        if (authority != from)
        {
            throw new CutoverException(ErrorCodes.WrongAuthority, $"the control state says authority is '{authority}'; expected '{from}'");
        }
        if (direction == SyncDirection.Forward)
        {
            await CheckReadyAsync(ctx, path, ct).ConfigureAwait(false);
        }

        var step = HandoverSteps.Prepare;
        var pause = new Stopwatch();
        var freezeWait = TimeSpan.Zero;
        long before = 0, drained = 0;
        IReadOnlyList<EntityVerification> verification = [];
        PlanLock? syncLock = null;
        var switched = false;
        try
        {
            var sw = Stopwatch.StartNew();
            await EnterAsync(state, direction, step, $"{verb}: capture on the {to} and its writes frozen", ct).ConfigureAwait(false);
            // A following sync sees the hand-over within a poll, finishes its batch and lets go; from here only this process applies changes.
            syncLock = await PlanLock.WaitAsync(ctx.Plan.StateDirectory, ctx.Plan.Name, SyncLockFile,
                $"a sync of plan '{ctx.Plan.Name}' is running and did not stop", TimeSpan.FromSeconds(15), ctx.Time, ct).ConfigureAwait(false);
            // The new side refuses application writes until the switch, and records its own writes from then on (so they can flow back).
            await back.Capture.StartAsync(back.Tables, ct).ConfigureAwait(false);
            await back.Capture.SetFrozenAsync(true, FrozenMessage(ctx, from), ct).ConfigureAwait(false);
            // A cut-over killed part-way may have left the source frozen: finishing it is then the quickest way back to writes.
            if (direction == SyncDirection.Forward)
            {
                var lag = await path.Capture.StatusAsync(ct).ConfigureAwait(false);
                if (!lag.Frozen)
                {
                    CheckLag(ctx, lag);
                }
            }
            steps.Add((step, sw.Elapsed.TotalMilliseconds));

            step = HandoverSteps.CatchUp;
            sw.Restart();
            await EnterAsync(state, direction, step, $"{verb}: applying pending changes before the freeze", ct).ConfigureAwait(false);
            before = (await SyncRunner.RunAsync(ctx, path, follow: false, ct, ctx.Plan.Cutover.DrainTimeout).ConfigureAwait(false)).Changes;
            await CheckNoRefusedRowsAsync(ctx, ct).ConfigureAwait(false);
            steps.Add((step, sw.Elapsed.TotalMilliseconds));

            step = HandoverSteps.Freeze;
            sw.Restart();
            await EnterAsync(state, direction, step, $"{verb}: maintenance on, writes on the {from} frozen", ct).ConfigureAwait(false);
            await state.SetValueAsync(ControlKeys.Maintenance, "on", ct).ConfigureAwait(false);
            pause.Start();
            // Bounded: a session that keeps a transaction open must not keep the source frozen for ever.
            using (var freezeLimit = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                freezeLimit.CancelAfter(ctx.Plan.Cutover.DrainTimeout);
                await path.Capture.SetFrozenAsync(true, $"WRITES_FROZEN: plan {ctx.Plan.Name}: writes are frozen for a {verb}; they resume on the {to} in a moment (see: cutover status)", freezeLimit.Token).ConfigureAwait(false);
            }
            // Waiting for the freeze to take hold is not a pause: the application's writes were still accepted meanwhile.
            freezeWait = path.Capture.LastFreezeWait;
            steps.Add((step, sw.Elapsed.TotalMilliseconds));

            step = HandoverSteps.Drain;
            sw.Restart();
            await EnterAsync(state, direction, step, $"{verb}: applying the last changes", ct).ConfigureAwait(false);
            // Writes are frozen: no pause or throttle applies, and the drain goes on until the changelog is empty (bounded by drain_timeout).
            drained = (await SyncRunner.RunAsync(ctx, path, follow: false, ct, ctx.Plan.Cutover.DrainTimeout, frozen: true).ConfigureAwait(false)).Changes;
            await CheckNoRefusedRowsAsync(ctx, ct).ConfigureAwait(false);
            var left = await path.Capture.StatusAsync(ct).ConfigureAwait(false);
            if (left.Pending > 0)
            {
                throw new CutoverException(ErrorCodes.LagTooHigh, $"{left.Pending} changes still pending on the {from} after the drain");
            }
            steps.Add((step, sw.Elapsed.TotalMilliseconds));

            step = HandoverSteps.Verify;
            sw.Restart();
            await EnterAsync(state, direction, step, $"{verb}: checking the {to} ({ctx.Plan.Cutover.Verify.ToString().ToLowerInvariant()})", ct).ConfigureAwait(false);
            verification = ctx.Plan.Cutover.Verify switch
            {
                VerifyMode.None => [],
                VerifyMode.Counts => await Verifier.CountAsync(ctx, ctx.Entities, ct).ConfigureAwait(false),
                _ => await Verifier.VerifyAsync(ctx, ctx.Entities, ct).ConfigureAwait(false),
            };
            if (verification.FirstOrDefault(v => !v.Match) is { } bad)
            {
                throw new CutoverException(bad.SourceRows != bad.TargetRows ? ErrorCodes.CountMismatch : ErrorCodes.ChecksumMismatch,
                    $"{bad.Entity}: source {bad.SourceRows} rows, target {bad.TargetRows} rows" + (bad.SourceRows == bad.TargetRows ? ", checksums differ" : ""));
            }
            steps.Add((step, sw.Elapsed.TotalMilliseconds));

            step = HandoverSteps.Flip;
            sw.Restart();
            await EnterAsync(state, direction, step, $"{verb}: authority to the {to}", ct).ConfigureAwait(false);
            await state.SetValueAsync(ControlKeys.Authority, to, CancellationToken.None).ConfigureAwait(false);
            switched = true;
            await state.AuditAsync($"{Prefix(direction)}.switch", $"authority: {from} -> {to}", CancellationToken.None).ConfigureAwait(false);
            steps.Add((step, sw.Elapsed.TotalMilliseconds));
        }
        catch (Exception ex) when (!switched)
        {
            syncLock?.Dispose();
            var code = ex switch
            {
                CutoverException ce => ce.Code,
                OperationCanceledException => ErrorCodes.Interrupted,
                _ => ErrorCodes.Internal,
            };
            await AbortAsync(ctx, path, direction, CancellationToken.None).ConfigureAwait(false);
            await state.AuditAsync($"{Prefix(direction)}.failed", $"step {step}: {code} {ex.Message}", CancellationToken.None).ConfigureAwait(false);
            return new HandoverResult
            {
                Direction = direction,
                Authority = from,
                Steps = steps,
                ChangesBeforeFreeze = before,
                ChangesDrained = drained,
                Verification = verification,
                FailedStep = step,
                ErrorCode = code,
                ErrorMessage = ex.Message,
            };
        }

        var finish = Stopwatch.StartNew();
        using (syncLock)
        {
            await FinishAsync(ctx, path, back, direction, pause, CancellationToken.None).ConfigureAwait(false);
        }
        steps.Add((HandoverSteps.Unfreeze, finish.Elapsed.TotalMilliseconds));
        await state.AuditAsync($"{Prefix(direction)}.complete", $"authority on the {to}; writes paused {pause.Elapsed.TotalMilliseconds:0} ms; {before + drained} changes applied", CancellationToken.None).ConfigureAwait(false);
        return new HandoverResult
        {
            Direction = direction,
            Authority = to,
            Steps = steps,
            ChangesBeforeFreeze = before,
            ChangesDrained = drained,
            PauseMs = Math.Max(0, (pause.Elapsed - freezeWait).TotalMilliseconds),
            Verification = verification,
        };
    }

    /// <summary>
    /// Undoes an unfinished hand-over before its switch: unfreezes the old authority, maintenance off. Used when a step
    /// fails, and by <c>cutover rollback</c> after a cut-over that was killed before its switch.
    /// </summary>
    public static async Task AbortAsync(MigrationContext ctx, SyncPath path, SyncDirection direction, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var from = direction.From();
        if ((await state.GetValueAsync(ControlKeys.Authority, ct).ConfigureAwait(false) ?? "source") != from)
        {
            throw new CutoverException(ErrorCodes.WrongAuthority, $"the {from} is no longer authoritative (the switch happened); run the hand-over again to finish it");
        }
        await path.Capture.SetFrozenAsync(false, "", ct).ConfigureAwait(false);
        await state.SetValueAsync(ControlKeys.Maintenance, "off", ct).ConfigureAwait(false);
        await state.SetValueAsync(ControlKeys.Handover, null, ct).ConfigureAwait(false);
        await state.AuditAsync($"{Prefix(direction)}.aborted", $"the {from} stays authoritative and writable", ct).ConfigureAwait(false);
    }

    /// <summary>After the switch: the new side opens (ending the write pause), then the old side's freeze says where writes go now.</summary>
    private static async Task FinishAsync(MigrationContext ctx, SyncPath path, SyncPath back, SyncDirection direction, Stopwatch? pause, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var to = direction.To();
        await EnterAsync(state, direction, HandoverSteps.Unfreeze, $"writes open on the {to}", ct).ConfigureAwait(false);
        await back.Capture.SetFrozenAsync(false, "", ct).ConfigureAwait(false);
        await state.SetValueAsync(ControlKeys.Maintenance, "off", ct).ConfigureAwait(false);
        pause?.Stop();
        await path.Capture.SetFrozenAsync(true, FrozenMessage(ctx, to), ct).ConfigureAwait(false);
        await state.SetValueAsync(ControlKeys.Handover, null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Rows the transforms refused while syncing (recorded as failures under on_error: skip) are writes the other side does not
    /// have: switching authority over them would lose them, whatever the counts say.
    /// </summary>
    private static async Task CheckNoRefusedRowsAsync(MigrationContext ctx, CancellationToken ct)
    {
        var failures = await ctx.RequireState().FailuresAsync(null, unresolvedOnly: true, ct).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            var f = failures[0];
            throw new CutoverException(ErrorCodes.RowRejected,
                $"{failures.Count} rows are recorded as refused (first: {f.Entity} key {Values.Value.DisplayKey(Values.KeyCodec.Decode(f.Key))}: {f.Code}); they would be lost by the switch. Fix them (cutover status, cutover retry) and try again");
        }
    }

    private static async Task CheckReadyAsync(MigrationContext ctx, SyncPath path, CancellationToken ct)
    {
        var run = await ctx.RequireState().LatestRunAsync(ct).ConfigureAwait(false);
        if (run?.Status != RunStatus.Completed)
        {
            throw new CutoverException(ErrorCodes.SyncNotReady, $"the copy has not finished (run: cutover migrate {ctx.Plan.FilePath})");
        }
        var status = await path.Capture.StatusAsync(ct).ConfigureAwait(false);
        if (!status.Capturing)
        {
            throw new CutoverException(ErrorCodes.CaptureNotInstalled,
                $"writes on the source are not being captured, so a cut-over could lose them; set capture: triggers in the plan and run cutover migrate {ctx.Plan.FilePath} again");
        }
    }

    private static void CheckLag(MigrationContext ctx, CaptureStatus lag)
    {
        var limits = ctx.Plan.Cutover;
        var age = lag.OldestAt is { } at ? ctx.Time.GetUtcNow() - at : TimeSpan.Zero;
        if (lag.Pending > limits.MaxPending || age > limits.MaxLag)
        {
            throw new CutoverException(ErrorCodes.LagTooHigh,
                $"{lag.Pending} changes pending, the oldest {DurationText.Format(age)} old (limits: cutover.max_pending {limits.MaxPending}, cutover.max_lag {DurationText.Format(limits.MaxLag)}); run 'cutover sync {ctx.Plan.FilePath} --follow' until it keeps up, then cut over");
        }
    }

    private static async Task EnterAsync(IStateStore state, SyncDirection direction, string step, string detail, CancellationToken ct)
    {
        await state.SetValueAsync(ControlKeys.Handover, $"{Prefix(direction)}:{step}", ct).ConfigureAwait(false);
        await state.AuditAsync($"{Prefix(direction)}.{step}", detail, ct).ConfigureAwait(false);
    }

    private static string FrozenMessage(MigrationContext ctx, string authority) =>
        $"WRITES_FROZEN: plan {ctx.Plan.Name}: the {authority} is authoritative; write there (see: cutover status)";

    /// <summary>The lock file (in the state folder) held by whatever applies changes: one sync, or a hand-over.</summary>
    public const string SyncLockFile = "sync.lock";

    /// <summary>How the control state names a hand-over in each direction.</summary>
    public static string Prefix(SyncDirection direction) => direction == SyncDirection.Forward ? "cutover" : "rollback";

    public static SyncDirection Opposite(SyncDirection d) => d == SyncDirection.Forward ? SyncDirection.Reverse : SyncDirection.Forward;
}

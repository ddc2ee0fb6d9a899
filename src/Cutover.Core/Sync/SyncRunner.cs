using System.Diagnostics;
using Cutover.Capture;
using Cutover.Errors;
using Cutover.Internal;
using Cutover.Migration;
using Cutover.State;
using Cutover.Throttling;

namespace Cutover.Sync;

/// <summary>
/// Applies captured changes in the source's commit order: read a batch of whole transactions, apply it in one
/// transaction, then acknowledge it. A crash between apply and acknowledge applies the batch again, which changes
/// nothing (upserts and deletes by key), so sync can be killed and rerun at any point. Progress and lag are written to
/// the state store after each batch (<c>sync.DIRECTION.*</c>), for status and for other processes.
/// </summary>
public static class SyncRunner
{
    /// <summary>How long a following sync sleeps when nothing is pending (keeps lag well under 100 ms without spinning).</summary>
    public static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(20);

    /// <summary>How often a following sync reports the lag of the changes it applied since its last report.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Applies changes until none are pending, or until every change recorded before it started is applied (an application that keeps
    /// writing never leaves the changelog empty); with <paramref name="follow"/>, keeps applying until cancelled (then returns
    /// normally). <paramref name="deadline"/> bounds a drain: passing it with changes still pending throws LAG_TOO_HIGH.
    /// </summary>
    /// <paramref name="frozen"/>: writes on the store changes come from are frozen (a hand-over's drain): no pause or throttle applies,
    /// and it goes on until the changelog is empty.
    public static async Task<SyncResult> RunAsync(MigrationContext ctx, SyncPath path, bool follow, CancellationToken ct, TimeSpan? deadline = null, bool frozen = false)
    {
        var state = ctx.RequireState();
        var run = await state.LatestRunAsync(ct).ConfigureAwait(false) ?? throw new CutoverException(ErrorCodes.NoRun, "nothing has been migrated yet");
        var applier = new ChangeApplier(ctx, path, run.Id);
        var throttle = new Throttler(ctx, $"sync {path.Direction.Word()}", path.Writer);
        var lag = new LagStats();
        var window = new LagStats();
        var clock = Stopwatch.StartNew();
        var windowStart = clock.Elapsed;
        var tag = new KeyValuePair<string, object?>("direction", path.Direction.Word());
        long changes = 0, transactions = 0, rejected = 0;
        var batches = 0;
        var progress = await SyncProgress.ReadAsync(state, path.Direction, ct).ConfigureAwait(false);
        SyncProgress? recorded = progress;
        var maxChanges = Math.Max(1, ctx.Plan.BatchSize);
        // Without --follow, sync is done once it has applied everything recorded before it started: an application that
        // never stops writing would otherwise keep it from ever finding the changelog empty.
        var startedAt = ctx.Time.GetUtcNow();
        while (true)
        {
            ChangeBatch batch;
            try
            {
                if (!frozen)
                {
                    await throttle.BeforeBatchAsync(ct).ConfigureAwait(false);
                }
                batch = await path.Capture.ReadAsync(maxChanges, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (follow && ct.IsCancellationRequested)
            {
                break;
            }
            if (batch.Changes.Count == 0)
            {
                CutoverMetrics.SetBacklog(0, 0);
                if (!follow)
                {
                    break;
                }
                if (deadline is { } d && clock.Elapsed > d)
                {
                    break;
                }
                try
                {
                    await Task.Delay(IdlePoll, ctx.Time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            if (deadline is { } limit && clock.Elapsed > limit)
            {
                throw new CutoverException(ErrorCodes.LagTooHigh,
                    $"{path.Capture.Display}: {changes} changes applied in {Plan.DurationText.Format(limit)} and more were still pending; gave up (raise cutover.drain_timeout, or let 'cutover sync --follow' catch up first)");
            }
            var started = Stopwatch.GetTimestamp();
            // A batch is applied and acknowledged as a whole: cancelling half-way would only make the rerun apply it again.
            rejected += await applier.ApplyAsync(batch, CancellationToken.None).ConfigureAwait(false);
            var now = ctx.Time.GetUtcNow();
            await path.Capture.AcknowledgeAsync(batch, CancellationToken.None).ConfigureAwait(false);
            var writeTime = Stopwatch.GetElapsedTime(started);
            foreach (var c in batch.Changes)
            {
                var ms = (now - c.At).TotalMilliseconds;
                lag.Add(ms);
                window.Add(ms);
                CutoverMetrics.SyncLag.Record(ms, tag);
            }
            CutoverMetrics.ChangesApplied.Add(batch.Changes.Count, tag);
            changes += batch.Changes.Count;
            transactions += batch.Transactions;
            batches++;
            progress = new SyncProgress(progress.Applied + batch.Changes.Count, batch.Position, now, batch.Changes.Max(c => (now - c.At).TotalMilliseconds));
            // Recorded once a second (and at the end), not per batch: a following sync runs many small batches.
            if (progress.At - (recorded?.At ?? DateTimeOffset.MinValue) >= TimeSpan.FromSeconds(1))
            {
                await progress.SaveAsync(state, path.Direction, CancellationToken.None).ConfigureAwait(false);
                recorded = progress;
                // The backlog gauges, for metrics listeners: what is still waiting, and how old the oldest is.
                var backlog = await path.Capture.StatusAsync(CancellationToken.None).ConfigureAwait(false);
                CutoverMetrics.SetBacklog(backlog.Pending, backlog.OldestAt is { } oldest ? Math.Max(0, (now - oldest).TotalMilliseconds) : 0);
            }
            ctx.Observer.Progress($"sync {path.Direction.Word()}", changes);
            if (follow && clock.Elapsed - windowStart >= ReportEvery)
            {
                ctx.Observer.Info(FormattableString.Invariant(
                    $"sync {path.Direction.Word()}: {window.Count} changes in the last {(clock.Elapsed - windowStart).TotalSeconds:F1}s; lag p50 {window.Quantile(0.5):F0} ms, p99 {window.Quantile(0.99):F0} ms, max {window.MaxMs:F0} ms"));
                window = new LagStats();
                windowStart = clock.Elapsed;
            }
            try
            {
                if (!frozen)
                {
                    await throttle.AfterBatchAsync(batch.Changes.Count, writeTime, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (follow && ct.IsCancellationRequested)
            {
                break;
            }
            if (!follow && !frozen && batch.Changes.Min(c => c.At) >= startedAt)
            {
                break;
            }
        }
        if (progress != recorded)
        {
            await progress.SaveAsync(state, path.Direction, CancellationToken.None).ConfigureAwait(false);
        }
        var status = await path.Capture.StatusAsync(CancellationToken.None).ConfigureAwait(false);
        CutoverMetrics.SetBacklog(status.Pending, status.OldestAt is { } first ? Math.Max(0, (ctx.Time.GetUtcNow() - first).TotalMilliseconds) : 0);
        return new SyncResult(path.Direction, changes, transactions, batches, rejected, clock.Elapsed.TotalSeconds,
            lag.Quantile(0.50), lag.Quantile(0.99), lag.MaxMs, status.Pending);
    }
}

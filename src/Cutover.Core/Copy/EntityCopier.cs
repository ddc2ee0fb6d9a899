using System.Diagnostics;
using System.Threading.Channels;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Internal;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;
using Cutover.Transform;
using Cutover.Values;

namespace Cutover.Copy;

/// <summary>
/// Copies one entity, or one key range of it: a reader task streams keyset pages and transforms them into batches; a bounded channel
/// (two batches deep) hands them to the writer, so memory stays flat however large the table.
/// Each batch is one target transaction followed by a checkpoint; rows that may have landed before a crash
/// are replayed as upserts, so a resumed copy has every row exactly once. A transient failure (a dropped connection,
/// a restarting server) is retried under <see cref="CopyResilience"/>: a batch write is retried as an upsert, and a
/// source read restarts after the last row it read.
/// </summary>
public static class EntityCopier
{
    public static async Task<EntityProgress> CopyAsync(MigrationContext ctx, BoundEntity e, EntityProgress progress, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var after = progress.Checkpoint is null ? null : KeyCodec.Decode(progress.Checkpoint);
        var until = progress.RangeEnd is null ? null : KeyCodec.Decode(progress.RangeEnd);
        var isRange = progress.Entity != e.Name;
        var toUpsert = progress.InFlight;
        if (progress.Read > 0 || toUpsert > 0)
        {
            Log.Resuming(ctx.Logger, progress.RunId, e.Name, progress.Checkpoint ?? "(start)", toUpsert);
        }
        var channel = Channel.CreateBounded<CopyBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var transformer = new RowTransformer(e, state);
        // Rows recorded as failed by an earlier attempt: when one lands now (the data or the plan was fixed), its record is closed.
        var open = (await state.FailuresAsync(e.Name, unresolvedOnly: true, ct).ConfigureAwait(false)).ToDictionary(f => f.Key);
        var resilience = CopyResilience.Create(ctx.Time, ctx.Observer, ctx.Logger, ctx.Retry);
        var throttle = new Throttling.Throttler(ctx, $"copy {progress.Entity}");
        // A live source (capture on) can gain rows between the checkpoint and the batch that was in flight, so the rows to replay
        // are found by key (up to the in-flight batch's last key, recorded before it was written), not by count.
        var replayUntil = toUpsert > 0 && ctx.Plan.Capture != Capture.CaptureMode.None
            && await state.GetValueAsync(InFlightKey(progress.Entity), ct).ConfigureAwait(false) is { } inflight ? KeyCodec.Decode(inflight) : null;
        if (replayUntil is not null)
        {
            toUpsert = 0;
        }
        var reader = Task.Run(() => ReadAsync(ctx, e, transformer, progress.RunId, after, until, replayUntil, resilience, channel.Writer, linked.Token), linked.Token);
        var clock = Stopwatch.StartNew();
        var baseSeconds = progress.Seconds;
        ctx.Observer.EntityStarted(progress.Entity, progress.Total, progress.Read);
        progress = progress with { Status = "copying" };
        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
            {
                var mode = toUpsert > 0 || batch.Replay ? WriteMode.Upsert : WriteMode.Insert;
                toUpsert = Math.Max(0, toUpsert - batch.Rows.Length);
                await throttle.BeforeBatchAsync(ct).ConfigureAwait(false);
                var started = Stopwatch.GetTimestamp();
                var before = progress;
                progress = await WriteBatchAsync(ctx, e, resilience, batch, mode, progress, open, baseSeconds + clock.Elapsed.TotalSeconds, ct).ConfigureAwait(false);
                var tag = new KeyValuePair<string, object?>("entity", e.Name);
                CutoverMetrics.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tag);
                CutoverMetrics.RowsRead.Add(progress.Read - before.Read, tag);
                CutoverMetrics.RowsWritten.Add(progress.Written - before.Written, tag);
                CutoverMetrics.RowsRejected.Add(progress.Rejected - before.Rejected, tag);
                ctx.Observer.Progress(progress.Entity, progress.Read);
                await throttle.AfterBatchAsync(batch.Rows.Length, Stopwatch.GetElapsedTime(started), ct).ConfigureAwait(false);
            }
            await reader.ConfigureAwait(false);
        }
        catch
        {
            await linked.CancelAsync().ConfigureAwait(false);
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The reader stops because we cancelled it; the writer's error is the one to report.
            }
            throw;
        }
        // A key range counts what it rejected; the entity's total comes from the failure records once all its ranges are done.
        var rejected = isRange ? progress.Rejected : (await state.FailuresAsync(e.Name, unresolvedOnly: true, ct).ConfigureAwait(false)).Count;
        progress = progress with { Status = "done", Rejected = rejected, InFlight = 0, Seconds = baseSeconds + clock.Elapsed.TotalSeconds };
        await state.SaveProgressAsync(progress, ct).ConfigureAwait(false);
        Log.EntityCopied(ctx.Logger, progress.RunId, e.Name, progress.Read, progress.Written, progress.Rejected, progress.Seconds);
        ctx.Observer.EntityFinished(progress);
        return progress;
    }

    private static async Task ReadAsync(MigrationContext ctx, BoundEntity e, RowTransformer transformer, string runId, object?[]? after, object?[]? until, object?[]? replayUntil,
        Polly.ResiliencePipeline resilience, ChannelWriter<CopyBatch> writer, CancellationToken ct)
    {
        Exception? error = null;
        try
        {
            if (replayUntil is not null)
            {
                await ReadSegmentAsync(ctx, e, transformer, runId, after, replayUntil, replay: true, resilience, writer, ct).ConfigureAwait(false);
                after = replayUntil;
            }
            await ReadSegmentAsync(ctx, e, transformer, runId, after, until, replay: false, resilience, writer, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            writer.TryComplete(error);
        }
    }

    /// <summary>Reads the rows after <paramref name="after"/> up to <paramref name="until"/> (inclusive; null: to the end) into batches.</summary>
    private static async Task ReadSegmentAsync(MigrationContext ctx, BoundEntity e, RowTransformer transformer, string runId, object?[]? after, object?[]? until, bool replay,
        Polly.ResiliencePipeline resilience, ChannelWriter<CopyBatch> writer, CancellationToken ct)
    {
        var rows = new List<object?[]>(ctx.Plan.BatchSize);
        // Keyset reads restart cleanly: a retry reads again after the last row this reader got, so no row is read twice.
        var last = after;
        // A live source gains rows after the id-map phase: they get their new ids as the copy reads them (insert-or-ignore).
        var ulids = ctx.Plan.Capture != Capture.CaptureMode.None && e.IsRekeyed ? new Ids.UlidGenerator(ctx.Time) : null;
        async Task<TransformedRow[]> TransformAsync(List<object?[]> batch, CancellationToken t)
        {
            if (ulids is not null)
            {
                await Ids.IdMapBuilder.MapRowsAsync(ctx, e, ulids, batch, runId, t).ConfigureAwait(false);
            }
            return await transformer.TransformAsync(batch, t).ConfigureAwait(false);
        }
        await resilience.ExecuteAsync(async t =>
        {
            await foreach (var row in ctx.Source.ReadAsync(e.SourceRead(last) with { Until = until }, t).ConfigureAwait(false))
            {
                rows.Add(row);
                last = e.KeyOf(row);
                if (rows.Count == ctx.Plan.BatchSize)
                {
                    await writer.WriteAsync(new CopyBatch(await TransformAsync(rows, t).ConfigureAwait(false), e.KeyOf(rows[^1]), replay), t).ConfigureAwait(false);
                    rows = new List<object?[]>(ctx.Plan.BatchSize);
                }
            }
        }, ct).ConfigureAwait(false);
        if (rows.Count > 0)
        {
            await writer.WriteAsync(new CopyBatch(await TransformAsync(rows, ct).ConfigureAwait(false), e.KeyOf(rows[^1]), replay), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The state key holding the last key of the batch in flight for an entity (or key range), when the source is live.</summary>
    private static string InFlightKey(string entity) => "inflight:" + entity;

    private static async Task<EntityProgress> WriteBatchAsync(MigrationContext ctx, BoundEntity e, Polly.ResiliencePipeline resilience, CopyBatch batch, WriteMode mode,
        EntityProgress progress, Dictionary<string, FailureRecord> open, double seconds, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var stop = ctx.Plan.OnError == OnErrorPolicy.Stop;
        var now = ctx.Time.GetUtcNow();
        var failures = new List<FailureRecord>();
        var good = new List<object?[]>(batch.Rows.Length);
        var goodSources = new List<object?[]>(batch.Rows.Length);
        foreach (var r in batch.Rows)
        {
            if (r.Ok)
            {
                good.Add(r.Target!);
                goodSources.Add(r.Source);
            }
            else
            {
                var key = KeyCodec.Encode(e.KeyOf(r.Source));
                // The id-map phase already recorded why this key has no new id; keep its reason rather than a generic one.
                failures.Add(open.TryGetValue(key, out var earlier) && earlier.Code == r.Code
                    ? earlier with { RunId = progress.RunId }
                    : new FailureRecord(0, progress.RunId, e.Name, key, r.Code!, r.Message!, now, null));
            }
        }
        if (failures.Count > 0 && stop)
        {
            await RejectAndStopAsync(ctx, e, failures, ct).ConfigureAwait(false);
        }
        // Mark the batch as in flight first: if we die after the target commit but before the checkpoint,
        // the resume knows these rows may be there and upserts them.
        if (ctx.Plan.Capture != Capture.CaptureMode.None)
        {
            await state.SetValueAsync(InFlightKey(progress.Entity), KeyCodec.Encode(batch.LastKey), ct).ConfigureAwait(false);
        }
        await state.SaveProgressAsync(progress with { InFlight = progress.InFlight + batch.Rows.Length }, ct).ConfigureAwait(false);
        var result = await CopyResilience.WriteAsync(resilience, ctx.Target, e.Target, good, mode, stop, ct).ConfigureAwait(false);
        foreach (var f in result.Failures)
        {
            failures.Add(new FailureRecord(0, progress.RunId, e.Name, KeyCodec.Encode(e.KeyOf(goodSources[f.Index])), f.Code, f.Message, now, null));
        }
        if (result.Failures.Count > 0 && stop)
        {
            await state.SaveProgressAsync(progress, ct).ConfigureAwait(false);
            await RejectAndStopAsync(ctx, e, failures, ct).ConfigureAwait(false);
        }
        if (open.Count > 0)
        {
            var refused = result.Failures.Select(f => f.Index).ToHashSet();
            for (var i = 0; i < good.Count; i++)
            {
                if (!refused.Contains(i) && open.Remove(KeyCodec.Encode(e.KeyOf(goodSources[i])), out var fixedRow))
                {
                    await state.ResolveFailureAsync(fixedRow.Id, ct).ConfigureAwait(false);
                }
            }
        }
        if (failures.Count > 0)
        {
            await state.RecordFailuresAsync(failures, ct).ConfigureAwait(false);
            foreach (var f in failures)
            {
                Log.RowRejected(ctx.Logger, f.RunId, f.Entity, f.Key, f.Code, f.Message);
            }
        }
        progress = progress with
        {
            Read = progress.Read + batch.Rows.Length,
            Written = progress.Written + result.Written,
            Rejected = progress.Rejected + failures.Count,
            Checkpoint = KeyCodec.Encode(batch.LastKey),
            InFlight = 0,
            Seconds = seconds,
        };
        await state.SaveProgressAsync(progress, ct).ConfigureAwait(false);
        return progress;
    }

    private static async Task RejectAndStopAsync(MigrationContext ctx, BoundEntity e, List<FailureRecord> failures, CancellationToken ct)
    {
        await ctx.RequireState().RecordFailuresAsync(failures, ct).ConfigureAwait(false);
        var f = failures[0];
        throw new CutoverException(ErrorCodes.RowRejected,
            $"{e.Name} key {Value.DisplayKey(KeyCodec.Decode(f.Key))}: {f.Code}: {f.Message.TrimEnd('.')}. The row is recorded; fix it and run migrate again, or set on_error: skip")
        {
            Details = failures.Select(x => $"{x.Entity} key {Value.DisplayKey(KeyCodec.Decode(x.Key))}: {x.Code}: {x.Message}").ToList(),
        };
    }
}

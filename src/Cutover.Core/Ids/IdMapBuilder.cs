using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;
using Cutover.Values;

namespace Cutover.Ids;

/// <summary>
/// Gives every row of a re-keyed entity its new ULID before any row is copied, so children (and rows that
/// point at their own table) always find their parent's new id. Resumable: keys already mapped keep their id.
/// </summary>
public static class IdMapBuilder
{
    public static async Task BuildAsync(MigrationContext ctx, BoundEntity e, string runId, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var name = e.Name + "#idmap";
        var progress = (await state.ProgressAsync(runId, ct).ConfigureAwait(false)).FirstOrDefault(p => p.Entity == name);
        if (progress?.Status == "done")
        {
            return;
        }
        var total = await ctx.Source.CountAsync(e.Source.Name, ct).ConfigureAwait(false);
        progress ??= new EntityProgress(runId, name, total, 0, 0, 0, null, 0, "running", 0);
        var generator = new UlidGenerator(ctx.Time);
        var after = progress.Checkpoint is null ? null : KeyCodec.Decode(progress.Checkpoint);
        var batch = new List<object?[]>(ctx.Plan.BatchSize);
        ctx.Observer.EntityStarted(name, total, progress.Read);
        await foreach (var row in ctx.Source.ReadAsync(e.SourceRead(after), ct).ConfigureAwait(false))
        {
            batch.Add(row);
            if (batch.Count == ctx.Plan.BatchSize)
            {
                progress = await FlushAsync(ctx, e, state, generator, batch, progress, runId, ct).ConfigureAwait(false);
                batch.Clear();
            }
        }
        progress = await FlushAsync(ctx, e, state, generator, batch, progress, runId, ct).ConfigureAwait(false);
        await state.SaveProgressAsync(progress with { Status = "done" }, ct).ConfigureAwait(false);
        ctx.Observer.EntityFinished(progress with { Status = "done", Rejected = progress.Read - progress.Written });
    }

    private static async Task<EntityProgress> FlushAsync(MigrationContext ctx, BoundEntity e, IStateStore state, UlidGenerator generator,
        List<object?[]> batch, EntityProgress progress, string runId, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return progress;
        }
        var mapped = await MapRowsAsync(ctx, e, generator, batch, runId, ct).ConfigureAwait(false);
        var last = e.KeyOf(batch[^1]);
        progress = progress with { Read = progress.Read + batch.Count, Written = progress.Written + mapped, Checkpoint = KeyCodec.Encode(last) };
        await state.SaveProgressAsync(progress, ct).ConfigureAwait(false);
        ctx.Observer.Progress(progress.Entity, progress.Read);
        return progress;
    }

    /// <summary>
    /// Gives each row's key a new ULID unless it has one (insert-or-ignore). Rows whose key or time cannot be
    /// used are recorded as <c>REKEY_FAILED</c> with the reason. Returns how many rows were mapped.
    /// </summary>
    public static async Task<int> MapRowsAsync(MigrationContext ctx, BoundEntity e, UlidGenerator generator, IReadOnlyList<object?[]> rows, string runId, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var keyIndex = e.SourceKeyIndexes[0];
        var pairs = new List<KeyValuePair<object, string>>(rows.Count);
        var failures = new List<FailureRecord>();
        foreach (var row in rows)
        {
            var old = row[keyIndex];
            if (old is not (long or string))
            {
                failures.Add(Failure(ctx, runId, e, row, $"key {Value.Display(old)} cannot be re-keyed: only integer and text keys can"));
                continue;
            }
            long ms;
            if (e.RekeyTimeIndex < 0 || row[e.RekeyTimeIndex] is null)
            {
                ms = ctx.Time.GetUtcNow().ToUnixTimeMilliseconds();
            }
            else if (!TimeSource.TryGetMilliseconds(row[e.RekeyTimeIndex], out ms) || ms > Ulid.MaxTimestampMs)
            {
                failures.Add(Failure(ctx, runId, e, row,
                    $"{e.Plan.Rekey!.TimeFrom} {Value.Quote(row[e.RekeyTimeIndex])} is not a time (ISO-8601 text or Unix epoch); fix the value or remove time_from"));
                continue;
            }
            pairs.Add(new(old, generator.Next(ms).ToString()));
        }
        await state.AddIdsAsync(e.Name, pairs, ct).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            await state.RecordFailuresAsync(failures, ct).ConfigureAwait(false);
        }
        return pairs.Count;
    }

    private static FailureRecord Failure(MigrationContext ctx, string runId, BoundEntity e, object?[] row, string message) =>
        new(0, runId, e.Name, KeyCodec.Encode(e.KeyOf(row)), ErrorCodes.RekeyFailed, message, ctx.Time.GetUtcNow(), null);
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Schema;
using Cutover.Transform;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// Compares an entity's source, read through the same transforms and id map as the copy, with its target, in two passes:
/// <list type="number">
/// <item>Each side of each chunk (a key range of the source key) is summed into a <see cref="TableChecksum"/>; chunks run in
/// parallel jobs and, when asked, are recorded as they finish, so an interrupted comparison of a big table resumes.</item>
/// <item>Only chunks whose counts or checksums differ are read again, row by row: rows are matched by their target key and
/// compared field by field (under the plan's normalizers), which names the missing, extra and changed rows.</item>
/// </list>
/// A key the stores order differently (text under another collation) can put a row in one chunk on one side and in another
/// chunk on the other: both chunks then differ, and the row, missing from one and extra in the other, is matched across
/// them, so it is never reported falsely. An entity whose target key is not the source key as it is (re-keyed, or a key the
/// plan casts) is one chunk. docs/verification.md says more.
/// </summary>
public static class ChunkedComparer
{
    /// <summary>A table whose key is not a single integer is cut by keys found by position (an OFFSET query each): at most this many chunks.</summary>
    public const int MaxChunksByPosition = 32;

    /// <summary>
    /// Compares the entities: every entity's chunks go into one queue that the jobs share (a small entity's chunk runs beside
    /// a big one's), then every differing chunk into another for the row pass. Results in the entities' order.
    /// </summary>
    public static async Task<IReadOnlyList<EntityDiff>> CompareAsync(MigrationContext ctx, IEnumerable<BoundEntity> entities, DiffOptions options, CancellationToken ct)
    {
        var runs = new List<EntityRun>();
        foreach (var e in entities)
        {
            runs.Add(await EntityRun.PrepareAsync(ctx, e, options, ct).ConfigureAwait(false));
        }
        var clock = Stopwatch.StartNew();
        var gate = new SemaphoreSlim(1, 1);
        // Entities cut into many chunks first, so the small ones fill the jobs at the end.
        var todo = runs.OrderByDescending(r => r.Chunks.Count)
            .SelectMany(r => r.Chunks.Where(c => r.Sums[c.Index] is null).Select(c => (Run: r, Chunk: c))).ToList();
        if (todo.Count > 0)
        {
            await Copy.ParallelJobs.RunAsync(ctx, ctx.Observer, todo, Math.Max(1, Math.Min(ctx.Jobs, todo.Count)), writeTarget: false, async (mine, piece, t) =>
            {
                var (run, chunk) = piece;
                run.Started(clock);
                var e = run.Entity;
                var (source, excluded, failed, target) = await BothSidesAsync(
                    c => SourceSumAsync(mine, e, run.Rejected, run.Normalizer, chunk, c),
                    c => run.TargetExists ? TargetSumAsync(mine, e, run.RejectedOnTarget, run.Normalizer, chunk, c) : Task.FromResult(new TableChecksum()),
                    t).ConfigureAwait(false);
                var result = new ChunkSums(source, target, excluded, failed);
                await gate.WaitAsync(t).ConfigureAwait(false);
                try
                {
                    run.Sums[chunk.Index] = result;
                    run.Ended(clock);
                    if (run.Checkpoint is not null)
                    {
                        await run.Checkpoint.SaveAsync(chunk.Index, result, t).ConfigureAwait(false);
                    }
                }
                finally
                {
                    gate.Release();
                }
            }, ct).ConfigureAwait(false);
        }
        var differing = runs.SelectMany(r => r.Chunks.Where(c => !r.Sums[c.Index]!.Match).Select(c => (Run: r, Chunk: c))).ToList();
        if (differing.Count > 0)
        {
            await Copy.ParallelJobs.RunAsync(ctx, ctx.Observer, differing, Math.Max(1, Math.Min(ctx.Jobs, differing.Count)), writeTarget: false, async (mine, piece, t) =>
            {
                var (run, chunk) = piece;
                run.Started(clock);
                await CompareRowsAsync(mine, run.Entity, run.Rejected, run.RejectedOnTarget, run.Normalizer, run.TargetExists, chunk, run.Rows, t).ConfigureAwait(false);
                lock (run)
                {
                    run.Ended(clock);
                }
            }, ct).ConfigureAwait(false);
        }
        var results = new List<EntityDiff>(runs.Count);
        foreach (var run in runs)
        {
            results.Add(await run.FinishAsync(ctx, differing.Count(d => d.Run == run), ct).ConfigureAwait(false));
        }
        return results;
    }

    /// <summary>One entity's comparison: what it leaves out, its chunks, their sums as they come in, the row pass's findings.</summary>
    private sealed class EntityRun
    {
        public required BoundEntity Entity { get; init; }
        public required HashSet<string> Rejected { get; init; }
        public required HashSet<string> RejectedOnTarget { get; init; }
        public required RowNormalizer? Normalizer { get; init; }
        public required bool TargetExists { get; init; }
        public required bool Ranged { get; init; }
        public required IReadOnlyList<Chunk> Chunks { get; init; }
        public required ChunkSums?[] Sums { get; init; }
        public required ChunkCheckpoint? Checkpoint { get; init; }
        public required int Resumed { get; init; }
        public required RowFindings Rows { get; init; }

        private double? _started;
        private double _ended;

        public void Started(Stopwatch clock)
        {
            lock (this)
            {
                _started ??= clock.Elapsed.TotalSeconds;
            }
        }

        public void Ended(Stopwatch clock) => _ended = clock.Elapsed.TotalSeconds;

        public static async Task<EntityRun> PrepareAsync(MigrationContext ctx, BoundEntity e, DiffOptions options, CancellationToken ct)
        {
            var rejected = await RejectedKeysAsync(ctx, e, ct).ConfigureAwait(false);
            var normalizer = RowNormalizer.For(e);
            var ranged = IsRanged(e);
            var chunks = await ChunksAsync(ctx, e, ranged, options.ChunkRows, ct).ConfigureAwait(false);
            ctx.Observer.EntityStarted("verify " + e.Name, -1, 0);
            var sums = new ChunkSums?[chunks.Count];
            ChunkCheckpoint? checkpoint = null;
            var resumed = 0;
            if (options.Record)
            {
                checkpoint = await ChunkCheckpoint.OpenAsync(ctx.Plan.StateDirectory, ctx.Plan.Hash, e, chunks, normalizer?.Describe() ?? [], !options.Resume, ct).ConfigureAwait(false);
                foreach (var (index, done) in checkpoint.Done)
                {
                    sums[index] = done;
                    resumed++;
                }
            }
            return new EntityRun
            {
                Entity = e,
                Rejected = rejected,
                RejectedOnTarget = await TargetKeysOfAsync(ctx, e, rejected.Select(KeyCodec.Decode), ct).ConfigureAwait(false),
                Normalizer = normalizer,
                TargetExists = await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false),
                Ranged = ranged,
                Chunks = chunks,
                Sums = sums,
                Checkpoint = checkpoint,
                Resumed = resumed,
                Rows = new RowFindings(options.MaxDetails),
            };
        }

        public async Task<EntityDiff> FinishAsync(MigrationContext ctx, int differing, CancellationToken ct)
        {
            var e = Entity;
            var sourceSum = new TableChecksum();
            var targetSum = new TableChecksum();
            long excludedRows = 0;
            foreach (var s in Sums)
            {
                sourceSum.Add(s!.Source);
                targetSum.Add(s.Target);
                excludedRows += s.Excluded;
            }
            var columns = e.TargetRead().Columns;
            // The target's copy of a row the transforms now refuse is that row's old copy, not an extra row.
            var copiesOfUntransformable = await TargetKeysOfAsync(ctx, e, Rows.Untransformable.Select(u => u.Key), ct).ConfigureAwait(false);
            var found = Rows.Finish(columns, Normalizer, copiesOfUntransformable);
            Checkpoint?.Clear();
            return new EntityDiff
            {
                Entity = e.Name,
                SourceRows = sourceSum.Count,
                TargetRows = targetSum.Count,
                SourceChecksum = sourceSum.Hex,
                TargetChecksum = targetSum.Hex,
                Chunks = Chunks.Count,
                ChunksDiffering = differing,
                ChunksResumed = Resumed,
                Ranged = Ranged,
                MissingCount = found.MissingCount,
                ExtraCount = found.ExtraCount,
                ChangedCount = found.ChangedCount,
                Missing = found.Missing,
                Extra = found.Extra,
                Changed = found.Changed,
                Untransformable = found.Untransformable,
                ExcludedRejected = excludedRows,
                Normalizers = Normalizer?.Describe() ?? [],
                Columns = columns,
                Seconds = _ended - (_started ?? _ended),
            };
        }
    }

    /// <summary>
    /// One key range: rows whose key sorts after <see cref="After"/> and at or before <see cref="Until"/> (null: open), on the
    /// source in its order, on the target between <see cref="TargetAfter"/> and <see cref="TargetUntil"/> in its own order
    /// (the same keys, in the order the target sorts them, so the target's chunks are a partition of its rows too).
    /// </summary>
    internal sealed record Chunk(int Index, object?[]? After, object?[]? Until, object?[]? TargetAfter, object?[]? TargetUntil)
    {
        /// <summary>
        /// Rows with a NULL in a key column are in no range (NULL compares with nothing): the ranges leave them out, and one more
        /// chunk holds only them. An entity in one chunk reads every row.
        /// </summary>
        public Connectors.KeyNulls Nulls { get; init; } = Connectors.KeyNulls.Any;
    }

    /// <summary>Both sides' sums of one chunk.</summary>
    internal sealed record ChunkSums(TableChecksum Source, TableChecksum Target, long Excluded, long Failed)
    {
        /// <summary>
        /// Equal counts and checksums, and no source row the transforms refuse (such a row is hashed untransformed, which a
        /// target row copied before the plan changed could equal: it must still be looked at row by row).
        /// </summary>
        public bool Match => Failed == 0 && Source.Count == Target.Count && Source.Hex == Target.Hex;
    }

    /// <summary>
    /// True when the target's key holds the source key's values as they are, so one key range selects the same rows on both
    /// sides: not re-keyed, and each target key column copied from the matching source key column without a cast, default,
    /// conversion or id-map rewrite, and of a kind both stores order alike (integers, text).
    /// </summary>
    public static bool IsRanged(BoundEntity e)
    {
        if (e.IsRekeyed)
        {
            return false;
        }
        if (e.KeyIsRowid)
        {
            return e.Target.KeyIsRowid || e.Target.Key.Count == 1;
        }
        if (e.Target.KeyIsRowid || e.Target.Key.Count != e.SourceKeyIndexes.Count)
        {
            return false;
        }
        for (var i = 0; i < e.Target.Key.Count; i++)
        {
            var m = e.Mappings.FirstOrDefault(x => string.Equals(x.TargetName, e.Target.Key[i], StringComparison.OrdinalIgnoreCase));
            var column = e.Target.Columns.FirstOrDefault(c => string.Equals(c.Name, e.Target.Key[i], StringComparison.OrdinalIgnoreCase));
            if (m is null || column is null || m.SourceIndex != e.SourceKeyIndexes[i] || m.Cast is not null || m.HasDefault
                || m.IdMapEntity is not null || m.Conversion != ColumnConversion.None
                || column.Kind is not (ColumnKind.Dynamic or ColumnKind.Integer or ColumnKind.Text))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The entity's chunks: one when it is small or not <see cref="IsRanged"/>; otherwise about one per
    /// <paramref name="chunkRows"/> source rows (a single integer key is cut arithmetically, any other at keys found by
    /// position, at most <see cref="MaxChunksByPosition"/>). The first chunk is open below and the last above, so every row
    /// of either side is in exactly one chunk of that side.
    /// </summary>
    internal static async Task<IReadOnlyList<Chunk>> ChunksAsync(MigrationContext ctx, BoundEntity e, bool ranged, int chunkRows, CancellationToken ct)
    {
        if (!ranged || chunkRows < 1)
        {
            return [new Chunk(0, null, null, null, null)];
        }
        var rows = await ctx.Source.CountAsync(e.Source.Name, ct).ConfigureAwait(false);
        if (rows <= chunkRows)
        {
            return [new Chunk(0, null, null, null, null)];
        }
        var count = (int)Math.Min((rows + chunkRows - 1) / chunkRows, Copy.CopyParts.MaxRanges);
        var first = await ctx.Source.KeyAtAsync(e.Source.Name, e.SourceKey, e.KeyIsRowid, 0, fromEnd: false, ct).ConfigureAwait(false);
        var last = await ctx.Source.KeyAtAsync(e.Source.Name, e.SourceKey, e.KeyIsRowid, 0, fromEnd: true, ct).ConfigureAwait(false);
        var integers = first is [long] && last is [long];
        if (!integers)
        {
            count = Math.Min(count, MaxChunksByPosition);
        }
        // A bound with a NULL in it bounds nothing (the rows with NULL keys have a chunk of their own).
        var bounds = (await Copy.CopyParts.BoundsAsync(ctx.Source, e.Source.Name, e.SourceKey, e.KeyIsRowid, rows, count, ct).ConfigureAwait(false))
            .Where(b => !b.Any(v => v is null or DBNull)).ToList();
        var targetBounds = bounds;
        if (!integers && bounds.Count > 0)
        {
            (bounds, targetBounds) = await InTargetOrderAsync(ctx, e, bounds, ct).ConfigureAwait(false);
        }
        if (bounds.Count == 0)
        {
            return [new Chunk(0, null, null, null, null)];
        }
        var chunks = new List<Chunk>(bounds.Count + 2);
        for (var i = 0; i <= bounds.Count; i++)
        {
            chunks.Add(new Chunk(i, i == 0 ? null : bounds[i - 1], i == bounds.Count ? null : bounds[i],
                i == 0 ? null : targetBounds[i - 1], i == bounds.Count ? null : targetBounds[i]) { Nulls = Connectors.KeyNulls.None });
        }
        chunks.Add(new Chunk(chunks.Count, null, null, null, null) { Nulls = Connectors.KeyNulls.Only });
        return chunks;
    }

    /// <summary>
    /// Text keys may sort differently on the target (another collation): the bounds the target has, read back from it in its
    /// own key order. Each side then cuts its rows by the same bound keys in its own order, so each side's chunks hold every
    /// row once; a row that lands in chunk 2 on one side and chunk 3 on the other makes both differ and is matched across
    /// them. Bounds the target lacks are dropped (their place in its order is unknown).
    /// </summary>
    private static async Task<(List<object?[]> Source, List<object?[]> Target)> InTargetOrderAsync(MigrationContext ctx, BoundEntity e, List<object?[]> bounds,
        CancellationToken ct)
    {
        if (!await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false))
        {
            return ([], []);
        }
        var keyIdx = TargetKeyIndexes(e);
        var inTarget = new List<object?[]>();
        await foreach (var row in ctx.Target.ReadAsync(e.TargetRead() with { Keys = bounds.Cast<IReadOnlyList<object?>>().ToList() }, ct).ConfigureAwait(false))
        {
            inTarget.Add(Pick(row, keyIdx));
        }
        var present = inTarget.Select(KeyCodec.Encode).ToHashSet(StringComparer.Ordinal);
        return (bounds.Where(b => present.Contains(KeyCodec.Encode(b))).ToList(), inTarget);
    }

    internal static async Task<HashSet<string>> RejectedKeysAsync(MigrationContext ctx, BoundEntity e, CancellationToken ct)
    {
        var rejected = new HashSet<string>(StringComparer.Ordinal);
        if (ctx.State is not null)
        {
            foreach (var f in await ctx.State.FailuresAsync(e.Name, unresolvedOnly: true, ct).ConfigureAwait(false))
            {
                rejected.Add(f.Key);
            }
        }
        return rejected;
    }

    /// <summary>
    /// Reads a chunk's source side (on a thread of its own) and target side at once. When one side fails, the other is
    /// cancelled and awaited before the failure goes on, so no read outlives the job's connections.
    /// </summary>
    private static async Task<(TableChecksum Source, long Excluded, long Failed, TableChecksum Target)> BothSidesAsync(
        Func<CancellationToken, Task<(TableChecksum Sum, long Excluded, long Failed)>> source, Func<CancellationToken, Task<TableChecksum>> target, CancellationToken ct)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sourceTask = Task.Run(() => source(both.Token), both.Token);
        TableChecksum targetSum;
        try
        {
            targetSum = await target(both.Token).ConfigureAwait(false);
        }
        catch
        {
            await both.CancelAsync().ConfigureAwait(false);
            try
            {
                await sourceTask.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or Errors.CutoverException)
            {
                // The target side's failure is the one to report.
            }
            throw;
        }
        var (sum, excluded, failed) = await sourceTask.ConfigureAwait(false);
        return (sum, excluded, failed, targetSum);
    }

    /// <summary>
    /// The target keys (encoded) of the given source keys: the same values, or, for a re-keyed entity, their new ids from the
    /// id map (keys it does not know are left out).
    /// </summary>
    internal static async Task<HashSet<string>> TargetKeysOfAsync(MigrationContext ctx, BoundEntity e, IEnumerable<object?[]> sourceKeys, CancellationToken ct)
    {
        var keys = sourceKeys.ToList();
        if (!e.IsRekeyed)
        {
            return keys.Select(KeyCodec.Encode).ToHashSet(StringComparer.Ordinal);
        }
        var old = keys.Where(k => k is [long or string]).Select(k => k[0]!).Distinct().ToList();
        if (old.Count == 0 || ctx.State is null)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }
        var mapped = await ctx.State.LookupIdsAsync(e.Name, old, ct).ConfigureAwait(false);
        return mapped.Values.Select(id => KeyCodec.Encode([id])).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A source row as verification sees it: left out (recorded as failed), refused by the transforms, or as the target should hold it.</summary>
    internal readonly record struct SourceRow(object?[] Source, object?[] SourceKey, object?[]? Stored, string? Code, string? Message, bool Rejected);

    /// <summary>
    /// The source rows of a key range (or of the given <paramref name="keys"/>), passed through the copy's transforms and then
    /// taken as the target gives them back (<see cref="Connectors.ITargetStore.AsStored"/>).
    /// </summary>
    internal static async IAsyncEnumerable<SourceRow> SourceRowsAsync(MigrationContext ctx, BoundEntity e, HashSet<string> rejected,
        IReadOnlyList<object?>? after, IReadOnlyList<object?>? until, IReadOnlyList<IReadOnlyList<object?>>? keys, [EnumeratorCancellation] CancellationToken ct,
        Connectors.KeyNulls nulls = Connectors.KeyNulls.Any)
    {
        var transformer = new RowTransformer(e, ctx.State);
        var batch = new List<object?[]>(Math.Max(1, ctx.Plan.BatchSize));
        var request = e.SourceRead(after, keys) with { Until = until, Nulls = nulls };
        await foreach (var row in ctx.Source.ReadAsync(request, ct).ConfigureAwait(false))
        {
            batch.Add(row);
            if (batch.Count == batch.Capacity)
            {
                foreach (var r in await TransformAsync(ctx, e, transformer, rejected, batch, ct).ConfigureAwait(false))
                {
                    yield return r;
                }
                batch.Clear();
            }
        }
        foreach (var r in await TransformAsync(ctx, e, transformer, rejected, batch, ct).ConfigureAwait(false))
        {
            yield return r;
        }
    }

    private static async Task<List<SourceRow>> TransformAsync(MigrationContext ctx, BoundEntity e, RowTransformer transformer, HashSet<string> rejected,
        List<object?[]> batch, CancellationToken ct)
    {
        var result = new List<SourceRow>(batch.Count);
        if (batch.Count == 0)
        {
            return result;
        }
        foreach (var r in await transformer.TransformAsync(batch, ct).ConfigureAwait(false))
        {
            var key = e.KeyOf(r.Source);
            if (rejected.Count > 0 && rejected.Contains(KeyCodec.Encode(key)))
            {
                result.Add(new SourceRow(r.Source, key, null, null, null, Rejected: true));
            }
            else if (r.Ok)
            {
                // As the target gives it back: the same kinds on both sides (a timestamp SQLite stores as text, say).
                result.Add(new SourceRow(r.Source, key, ctx.Target.AsStored(e.Target, r.Target!), null, null, false));
            }
            else
            {
                result.Add(new SourceRow(r.Source, key, null, r.Code, r.Message, false));
            }
        }
        return result;
    }

    private static async Task<(TableChecksum Sum, long Excluded, long Failed)> SourceSumAsync(MigrationContext ctx, BoundEntity e, HashSet<string> rejected,
        RowNormalizer? normalizer, Chunk chunk, CancellationToken ct)
    {
        if (normalizer is null && rejected.Count == 0 && VerbatimChecksum.CanChecksumVerbatim(e, ctx.Target))
        {
            // Nothing in the plan or the target can change a value: the store sums the source columns as they are, its fastest way.
            return (await ctx.Source.ChecksumAsync(VerbatimChecksum.VerbatimSourceRequest(e, chunk.After, chunk.Until) with { Nulls = chunk.Nulls }, ct).ConfigureAwait(false), 0, 0);
        }
        var sum = new TableChecksum();
        long excluded = 0, failed = 0;
        await foreach (var r in SourceRowsAsync(ctx, e, rejected, chunk.After, chunk.Until, null, ct, chunk.Nulls).ConfigureAwait(false))
        {
            if (r.Rejected)
            {
                excluded++;
            }
            else if (r.Stored is { } stored)
            {
                sum.Add(normalizer is null ? stored : normalizer.ForChecksum(stored));
            }
            else
            {
                // A row that cannot be transformed and was never recorded is a real difference: count it on the source side.
                failed++;
                sum.Add(r.Source);
            }
        }
        return (sum, excluded, failed);
    }

    /// <summary>
    /// The target side of a chunk: every row as stored, but those whose key is recorded as failed on the source side (the
    /// target may hold an older copy of such a row; verification leaves recorded failures out on both sides).
    /// </summary>
    private static async Task<TableChecksum> TargetSumAsync(MigrationContext ctx, BoundEntity e, HashSet<string> rejectedOnTarget, RowNormalizer? normalizer,
        Chunk chunk, CancellationToken ct)
    {
        if (normalizer is null && rejectedOnTarget.Count == 0)
        {
            // The rows as stored: the store sums them its fastest way.
            return await ctx.Target.ChecksumAsync(e.TargetRead() with { After = chunk.TargetAfter, Until = chunk.TargetUntil, Nulls = chunk.Nulls }, ct).ConfigureAwait(false);
        }
        var sum = new TableChecksum();
        var keyIdx = TargetKeyIndexes(e);
        await foreach (var row in ctx.Target.ReadAsync(e.TargetRead() with { After = chunk.TargetAfter, Until = chunk.TargetUntil, Nulls = chunk.Nulls }, ct).ConfigureAwait(false))
        {
            if (rejectedOnTarget.Count > 0 && rejectedOnTarget.Contains(KeyCodec.Encode(Pick(row, keyIdx))))
            {
                continue;
            }
            sum.Add(normalizer is null ? row : normalizer.ForChecksum(row));
        }
        return sum;
    }

    /// <summary>The positions of the target key's columns in a row laid out as <see cref="BoundEntity.TargetRead"/> reads it.</summary>
    internal static int[] TargetKeyIndexes(BoundEntity e)
    {
        var read = e.TargetRead();
        return read.Key.Select(k => read.Columns.ToList().FindIndex(c => string.Equals(c, k, StringComparison.OrdinalIgnoreCase))).ToArray();
    }

    internal static object?[] Pick(object?[] row, int[] indexes)
    {
        var key = new object?[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            key[i] = row[indexes[i]];
        }
        return key;
    }

    /// <summary>Row by row, one differing chunk: the source side held by target key, then the target side streamed against it.</summary>
    private static async Task CompareRowsAsync(MigrationContext ctx, BoundEntity e, HashSet<string> rejected, HashSet<string> rejectedOnTarget,
        RowNormalizer? normalizer, bool targetExists, Chunk chunk, RowFindings findings, CancellationToken ct)
    {
        var keyIdx = TargetKeyIndexes(e);
        var columns = e.TargetRead().Columns;
        var matcher = new RowMatcher(normalizer);
        var targetMatcher = new RowMatcher(normalizer);
        var source = new Dictionary<string, (object?[] SourceKey, object?[] Stored)>(StringComparer.Ordinal);
        var untransformable = new List<UntransformableRow>();
        await foreach (var r in SourceRowsAsync(ctx, e, rejected, chunk.After, chunk.Until, null, ct, chunk.Nulls).ConfigureAwait(false))
        {
            if (r.Rejected)
            {
                continue;
            }
            if (r.Stored is { } stored)
            {
                source[matcher.KeyOf(Pick(stored, keyIdx), stored)] = (r.SourceKey, stored);
            }
            else
            {
                untransformable.Add(new UntransformableRow(r.SourceKey, r.Code!, r.Message!));
            }
        }
        var changed = new List<RowDifference>();
        var extra = new List<(string Key, object?[] TargetKey, object?[] Row)>();
        if (targetExists)
        {
            await foreach (var row in ctx.Target.ReadAsync(e.TargetRead() with { After = chunk.TargetAfter, Until = chunk.TargetUntil, Nulls = chunk.Nulls }, ct).ConfigureAwait(false))
            {
                var key = targetMatcher.KeyOf(Pick(row, keyIdx), row);
                if (rejectedOnTarget.Count > 0 && rejectedOnTarget.Contains(key))
                {
                    continue;
                }
                if (source.Remove(key, out var s))
                {
                    if (Differences(columns, normalizer, s.Stored, row) is { Count: > 0 } fields)
                    {
                        changed.Add(new RowDifference(s.SourceKey, Pick(row, keyIdx), fields));
                    }
                }
                else
                {
                    extra.Add((key, Pick(row, keyIdx), row));
                }
            }
        }
        findings.Add(source.Select(kv => (kv.Key, kv.Value.SourceKey, kv.Value.Stored)), extra, changed, untransformable);
    }

    /// <summary>
    /// What rows are matched by in the row pass: their key (encoded), or, for a key with a NULL in it (which names no row: NULL
    /// equals nothing), the whole row as it is hashed plus its occurrence, so such rows match as a multiset of equal rows and
    /// are never merged into one.
    /// </summary>
    private sealed class RowMatcher(RowNormalizer? normalizer)
    {
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

        public string KeyOf(object?[] key, object?[] row)
        {
            if (!key.Any(v => v is null or DBNull))
            {
                return KeyCodec.Encode(key);
            }
            var whole = new System.Buffers.ArrayBufferWriter<byte>(128);
            CanonicalEncoder.EncodeRow(normalizer is null ? row : normalizer.ForChecksum(row), whole);
            var name = NullKeyPrefix + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(whole.WrittenSpan));
            var n = _seen.GetValueOrDefault(name);
            _seen[name] = n + 1;
            return name + "#" + n;
        }
    }

    private const string NullKeyPrefix = "null-key:";

    /// <summary>The fields of two rows (laid out as <see cref="BoundEntity.TargetRead"/>) that differ, under the plan's normalizers.</summary>
    internal static List<FieldDifference> Differences(IReadOnlyList<string> columns, RowNormalizer? normalizer, object?[] source, object?[] target)
    {
        var fields = new List<FieldDifference>();
        for (var i = 0; i < source.Length; i++)
        {
            var same = normalizer is null ? CanonicalEncoder.Same(source[i], target[i]) : normalizer.Same(i, source[i], target[i]);
            if (!same)
            {
                fields.Add(new FieldDifference(columns[i], source[i], target[i]));
            }
        }
        return fields;
    }

    /// <summary>What the row-by-row pass found over all differing chunks, gathered from parallel jobs.</summary>
    private sealed class RowFindings(int maxDetails)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, (object?[] SourceKey, object?[] Stored)> _missing = new(StringComparer.Ordinal);
        private readonly Dictionary<string, object?[]> _extra = new(StringComparer.Ordinal);
        private readonly Dictionary<string, object?[]> _extraKeys = new(StringComparer.Ordinal);
        private readonly List<RowDifference> _changed = [];
        private readonly List<UntransformableRow> _untransformable = [];

        public void Add(IEnumerable<(string Key, object?[] SourceKey, object?[] Stored)> missing, List<(string Key, object?[] TargetKey, object?[] Row)> extra,
            List<RowDifference> changed, List<UntransformableRow> untransformable)
        {
            lock (_gate)
            {
                foreach (var m in missing)
                {
                    _missing[m.Key] = (m.SourceKey, m.Stored);
                }
                foreach (var x in extra)
                {
                    _extra[x.Key] = x.Row;
                    _extraKeys[x.Key] = x.TargetKey;
                }
                _changed.AddRange(changed);
                _untransformable.AddRange(untransformable);
            }
        }

        public IReadOnlyList<UntransformableRow> Untransformable => _untransformable;

        public (long MissingCount, long ExtraCount, long ChangedCount, List<object?[]> Missing, List<object?[]> Extra, List<RowDifference> Changed,
            List<UntransformableRow> Untransformable) Finish(IReadOnlyList<string> columns, RowNormalizer? normalizer, HashSet<string> copiesOfUntransformable)
        {
            foreach (var key in copiesOfUntransformable)
            {
                _extra.Remove(key);
            }
            // A row missing from one chunk and extra in another: the two stores order its key differently. Match it here.
            var changed = new List<RowDifference>(_changed);
            foreach (var key in _missing.Keys.Where(_extra.ContainsKey).ToList())
            {
                var (sourceKey, stored) = _missing[key];
                var target = _extra[key];
                var fields = Differences(columns, normalizer, stored, target);
                if (fields.Count > 0)
                {
                    changed.Add(new RowDifference(sourceKey, _extraKeys[key], fields));
                }
                _missing.Remove(key);
                _extra.Remove(key);
            }
            var missing = _missing.Values.Select(v => v.SourceKey).Order(KeyOrder.Instance).ToList();
            var extra = _extra.Keys.Select(k => _extraKeys[k]).Order(KeyOrder.Instance).ToList();
            changed.Sort((a, b) => KeyOrder.Instance.Compare(a.Key, b.Key));
            return (missing.Count, extra.Count, changed.Count, missing.Take(maxDetails).ToList(), extra.Take(maxDetails).ToList(),
                changed.Take(maxDetails).ToList(), _untransformable);
        }
    }
}

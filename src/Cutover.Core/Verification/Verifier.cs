using System.Diagnostics;
using Cutover.Internal;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Transform;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// Compares every entity on both sides: the source read through the same transforms and id map as the copy,
/// against the target as stored. Rows recorded as rejected (and not yet retried) are left out of the source
/// side and reported, so a verified run means "everything not in the failure list is exact".
/// </summary>
public static class Verifier
{
    public static async Task<IReadOnlyList<EntityVerification>> VerifyAsync(MigrationContext ctx, IEnumerable<BoundEntity> entities, CancellationToken ct)
    {
        if (ctx.Jobs > 1)
        {
            return await VerifyInParallelAsync(ctx, entities.ToList(), ct).ConfigureAwait(false);
        }
        var results = new List<EntityVerification>();
        foreach (var e in entities)
        {
            results.Add(await VerifyEntityAsync(ctx, e, ct).ConfigureAwait(false));
        }
        return results;
    }

    private enum Side
    {
        Source,
        Target,
    }

    private sealed record Piece(BoundEntity Entity, Side Side, object?[]? After, object?[]? Until, long Rows);

    /// <summary>What the pieces of one entity add up to.</summary>
    private sealed class Tally(HashSet<string> rejected)
    {
        public HashSet<string> Rejected { get; } = rejected;
        public TableChecksum Source { get; } = new();
        public TableChecksum Target { get; } = new();
        public long Excluded { get; set; }
        public long Failed { get; set; }

        /// <summary>When the entity's first piece started and its last ended (seconds into the verification).</summary>
        public double? Started { get; set; }
        public double Ended { get; set; }

        public double Seconds => Ended - (Started ?? Ended);
    }

    /// <summary>
    /// With several jobs: each side of each entity is a piece, and a large side is cut into key ranges (source key on the
    /// source, target key on the target: they differ when re-keyed), so the jobs read and hash at once. The checksum of a set
    /// of rows is the sum of its rows' hashes (<see cref="TableChecksum"/>), so the pieces add up to the same result.
    /// </summary>
    private static async Task<IReadOnlyList<EntityVerification>> VerifyInParallelAsync(MigrationContext ctx, List<BoundEntity> entities, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var tallies = new Dictionary<string, Tally>();
        var pieces = new List<Piece>();
        foreach (var e in entities)
        {
            tallies[e.Name] = new Tally(await RejectedKeysAsync(ctx, e, ct).ConfigureAwait(false));
            ctx.Observer.EntityStarted("verify " + e.Name, -1, 0);
            var sourceRows = await ctx.Source.CountAsync(e.Source.Name, ct).ConfigureAwait(false);
            pieces.AddRange(await CutAsync(ctx, ctx.Source, e, Side.Source, e.Source.Name, e.SourceKey, e.KeyIsRowid, sourceRows, ct).ConfigureAwait(false));
            if (await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false))
            {
                var read = e.TargetRead();
                var targetRows = await ctx.Target.CountAsync(e.Target.Name, ct).ConfigureAwait(false);
                pieces.AddRange(await CutAsync(ctx, ctx.Target, e, Side.Target, e.Target.Name, read.Key, read.KeyIsRowid, targetRows, ct).ConfigureAwait(false));
            }
        }
        var gate = new Lock();
        await Copy.ParallelJobs.RunAsync(ctx, ctx.Observer, pieces.OrderByDescending(p => p.Rows).ToList(), ctx.Jobs, writeTarget: false, async (mine, p, t) =>
        {
            var tally = tallies[p.Entity.Name];
            lock (gate)
            {
                tally.Started ??= clock.Elapsed.TotalSeconds;
            }
            if (p.Side == Side.Source)
            {
                var (sum, excluded, failed) = await SourceSideAsync(mine, p.Entity, tally.Rejected, p.After, p.Until, t).ConfigureAwait(false);
                lock (gate)
                {
                    tally.Source.Add(sum);
                    tally.Excluded += excluded;
                    tally.Failed += failed;
                    tally.Ended = clock.Elapsed.TotalSeconds;
                }
            }
            else
            {
                var sum = await TargetSideAsync(mine, p.Entity, p.After, p.Until, t).ConfigureAwait(false);
                lock (gate)
                {
                    tally.Target.Add(sum);
                    tally.Ended = clock.Elapsed.TotalSeconds;
                }
            }
        }, ct).ConfigureAwait(false);
        var results = new List<EntityVerification>();
        foreach (var e in entities)
        {
            var tally = tallies[e.Name];
            results.Add(await FinishAsync(ctx, e, tally.Source, tally.Target, tally.Excluded, tally.Failed, tally.Seconds, ct).ConfigureAwait(false));
        }
        return results;
    }

    /// <summary>One side of an entity as pieces: whole, or cut into key ranges when it is large.</summary>
    private static async Task<IEnumerable<Piece>> CutAsync(MigrationContext ctx, Connectors.ISourceStore store, BoundEntity e, Side side,
        string table, IReadOnlyList<string> key, bool keyIsRowid, long rows, CancellationToken ct)
    {
        var count = Copy.CopyParts.Count(rows, ctx.Jobs, ctx.SplitRows);
        var bounds = count > 1 ? await Copy.CopyParts.BoundsAsync(store, table, key, keyIsRowid, rows, count, ct).ConfigureAwait(false) : [];
        var per = rows / (bounds.Count + 1);
        return Enumerable.Range(0, bounds.Count + 1).Select(i => new Piece(e, side, i == 0 ? null : bounds[i - 1], i == bounds.Count ? null : bounds[i], per));
    }

    private static async Task<HashSet<string>> RejectedKeysAsync(MigrationContext ctx, BoundEntity e, CancellationToken ct)
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

    /// <summary>The target's rows as stored: the store sums them its fastest way (<see cref="Connectors.ISourceStore.ChecksumAsync"/>).</summary>
    private static Task<TableChecksum> TargetSideAsync(MigrationContext ctx, BoundEntity e, object?[]? after, object?[]? until, CancellationToken ct) =>
        ctx.Target.ChecksumAsync(e.TargetRead() with { After = after, Until = until }, ct);

    /// <summary>
    /// Row counts only (<c>verify: counts</c>): the source's count less its rows recorded as rejected, against the target's.
    /// Checksums are reported as <see cref="EntityVerification.NotComputed"/> on both sides.
    /// </summary>
    public static async Task<IReadOnlyList<EntityVerification>> CountAsync(MigrationContext ctx, IEnumerable<BoundEntity> entities, CancellationToken ct)
    {
        var results = new List<EntityVerification>();
        foreach (var e in entities)
        {
            var clock = Stopwatch.StartNew();
            var rejected = ctx.State is null ? 0 : (await ctx.State.FailuresAsync(e.Name, unresolvedOnly: true, ct).ConfigureAwait(false)).Count;
            var source = await ctx.Source.CountAsync(e.Source.Name, ct).ConfigureAwait(false) - rejected;
            var target = await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false) ? await ctx.Target.CountAsync(e.Target.Name, ct).ConfigureAwait(false) : 0;
            results.Add(new EntityVerification(e.Name, source, target, EntityVerification.NotComputed, EntityVerification.NotComputed, rejected, 0, clock.Elapsed.TotalSeconds));
            Log.Verified(ctx.Logger, e.Name, source, EntityVerification.NotComputed, target, EntityVerification.NotComputed);
        }
        return results;
    }

    public static async Task<EntityVerification> VerifyEntityAsync(MigrationContext ctx, BoundEntity e, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var rejected = await RejectedKeysAsync(ctx, e, ct).ConfigureAwait(false);
        ctx.Observer.EntityStarted("verify " + e.Name, -1, 0);
        var sourceTask = Task.Run(() => SourceSideAsync(ctx, e, rejected, null, null, ct), ct);
        var target = await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false)
            ? await TargetSideAsync(ctx, e, null, null, ct).ConfigureAwait(false)
            : new TableChecksum();
        var (source, excluded, transformFailures) = await sourceTask.ConfigureAwait(false);
        return await FinishAsync(ctx, e, source, target, excluded, transformFailures, clock.Elapsed.TotalSeconds, ct).ConfigureAwait(false);
    }

    /// <summary>The entity's result from both sides' sums, with the count of rows whose foreign keys point nowhere.</summary>
    private static async Task<EntityVerification> FinishAsync(MigrationContext ctx, BoundEntity e, TableChecksum source, TableChecksum target,
        long excluded, long transformFailures, double seconds, CancellationToken ct)
    {
        var dangling = 0L;
        try
        {
            dangling = e.Target.ForeignKeys.Count == 0 ? 0 : await ctx.Target.CountForeignKeyViolationsAsync(e.Target.Name, ct).ConfigureAwait(false);
        }
        catch (Errors.CutoverException ex) when (ex.Code == Errors.ErrorCodes.UnsupportedSchema)
        {
            // Not a difference between source and target: the schema itself does not allow the check.
            ctx.Observer.Warn(ex.Message);
        }
        if (dangling > 0)
        {
            ctx.Observer.Warn($"{e.Target.Name}: {dangling} rows have foreign keys that point at no parent row (they are copied as the source has them)");
        }
        var result = new EntityVerification(e.Name, source.Count, target.Count, source.Hex, target.Hex, excluded, transformFailures, seconds)
        {
            DanglingForeignKeys = dangling,
        };
        Log.Verified(ctx.Logger, e.Name, source.Count, source.Hex, target.Count, target.Hex);
        return result;
    }

    private static async Task<(TableChecksum Sum, long Excluded, long TransformFailures)> SourceSideAsync(MigrationContext ctx, BoundEntity e, HashSet<string> rejected,
        object?[]? after, object?[]? until, CancellationToken ct)
    {
        if (rejected.Count == 0 && VerbatimChecksum.CanChecksumVerbatim(e, ctx.Target))
        {
            // Nothing on the way changes a value (no transform, the target keeps what it is given): the source range as read.
            return (await ctx.Source.ChecksumAsync(VerbatimChecksum.VerbatimSourceRequest(e, after, until), ct).ConfigureAwait(false), 0, 0);
        }
        var sum = new TableChecksum();
        var transformer = new RowTransformer(e, ctx.State);
        long excluded = 0, failed = 0;
        var batch = new List<object?[]>(ctx.Plan.BatchSize);
        async Task FlushAsync()
        {
            foreach (var r in await transformer.TransformAsync(batch, ct).ConfigureAwait(false))
            {
                if (rejected.Count > 0 && rejected.Contains(KeyCodec.Encode(e.KeyOf(r.Source))))
                {
                    excluded++;
                }
                else if (r.Ok)
                {
                    // As the target gives it back: the same kinds on both sides (a timestamp SQLite stores as text, say).
                    sum.Add(ctx.Target.AsStored(e.Target, r.Target!));
                }
                else
                {
                    // A row that cannot be transformed and was never recorded is a real difference: count it on the source side.
                    failed++;
                    sum.Add(r.Source);
                }
            }
            batch.Clear();
        }
        await foreach (var row in ctx.Source.ReadAsync(e.SourceRead(after) with { Until = until }, ct).ConfigureAwait(false))
        {
            batch.Add(row);
            if (batch.Count == batch.Capacity)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }
        await FlushAsync().ConfigureAwait(false);
        return (sum, excluded, failed);
    }
}

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
        var results = new List<EntityVerification>();
        foreach (var e in entities)
        {
            results.Add(await VerifyEntityAsync(ctx, e, ct).ConfigureAwait(false));
        }
        return results;
    }

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
        var rejected = new HashSet<string>(StringComparer.Ordinal);
        if (ctx.State is not null)
        {
            foreach (var f in await ctx.State.FailuresAsync(e.Name, unresolvedOnly: true, ct).ConfigureAwait(false))
            {
                rejected.Add(f.Key);
            }
        }
        ctx.Observer.EntityStarted("verify " + e.Name, -1, 0);
        var sourceTask = Task.Run(() => SourceSideAsync(ctx, e, rejected, ct), ct);
        var target = new TableChecksum();
        if (await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false))
        {
            await foreach (var row in ctx.Target.ReadAsync(e.TargetRead(), ct).ConfigureAwait(false))
            {
                target.Add(row);
            }
        }
        var (source, excluded, transformFailures) = await sourceTask.ConfigureAwait(false);
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
        var result = new EntityVerification(e.Name, source.Count, target.Count, source.Hex, target.Hex, excluded, transformFailures, clock.Elapsed.TotalSeconds)
        {
            DanglingForeignKeys = dangling,
        };
        Log.Verified(ctx.Logger, e.Name, source.Count, source.Hex, target.Count, target.Hex);
        return result;
    }

    private static async Task<(TableChecksum Sum, long Excluded, long TransformFailures)> SourceSideAsync(MigrationContext ctx, BoundEntity e, HashSet<string> rejected, CancellationToken ct)
    {
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
                    sum.Add(r.Target!);
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
        await foreach (var row in ctx.Source.ReadAsync(e.SourceRead(), ct).ConfigureAwait(false))
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

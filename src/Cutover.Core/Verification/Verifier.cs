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
    /// <summary>How many keys of each kind of difference verify keeps for its report (the counts are exact); diff keeps all.</summary>
    public const int DetailsKept = 100;

    /// <summary>
    /// Every entity through the chunked comparison (<see cref="ChunkedComparer"/>): checksums of key ranges on both sides,
    /// then row by row only where a range differs, so a mismatch says how many rows are missing, extra or changed.
    /// </summary>
    /// <remarks>
    /// With <paramref name="countDanglingForeignKeys"/> (migrate's verify phase: the load ran with foreign keys off), each
    /// entity's target rows whose foreign keys point at no parent are counted too; <c>cutover verify</c> leaves that to
    /// <c>cutover audit</c>, which names them by key (SQLite's check reads the whole table: seconds on millions of rows).
    /// </remarks>
    public static async Task<IReadOnlyList<EntityVerification>> VerifyAsync(MigrationContext ctx, IEnumerable<BoundEntity> entities, CancellationToken ct,
        DiffOptions? options = null, bool countDanglingForeignKeys = true)
    {
        options ??= new DiffOptions { ChunkRows = ctx.ChunkRows, MaxDetails = DetailsKept };
        var list = entities.ToList();
        var diffs = await ChunkedComparer.CompareAsync(ctx, list, options, ct).ConfigureAwait(false);
        var results = new List<EntityVerification>();
        for (var i = 0; i < list.Count; i++)
        {
            results.Add(await FinishAsync(ctx, list[i], diffs[i], countDanglingForeignKeys, ct).ConfigureAwait(false));
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

    /// <summary>The entity's result from both sides' sums, with (when asked) the count of rows whose foreign keys point nowhere.</summary>
    private static async Task<EntityVerification> FinishAsync(MigrationContext ctx, BoundEntity e, EntityDiff diff, bool countDangling, CancellationToken ct)
    {
        long? dangling = countDangling ? 0 : null;
        try
        {
            if (countDangling && e.Target.ForeignKeys.Count > 0)
            {
                dangling = await ctx.Target.CountForeignKeyViolationsAsync(e.Target.Name, ct).ConfigureAwait(false);
            }
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
        var result = new EntityVerification(e.Name, diff.SourceRows, diff.TargetRows, diff.SourceChecksum, diff.TargetChecksum, diff.ExcludedRejected,
            diff.UntransformableCount, diff.Seconds)
        {
            DanglingForeignKeys = dangling,
            Rows = diff,
        };
        Log.Verified(ctx.Logger, e.Name, diff.SourceRows, diff.SourceChecksum, diff.TargetRows, diff.TargetChecksum);
        return result;
    }
}

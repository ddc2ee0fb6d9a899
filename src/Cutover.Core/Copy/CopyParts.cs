using System.Text.RegularExpressions;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;
using Cutover.Values;

namespace Cutover.Copy;

/// <summary>
/// Key ranges of a large table, so several jobs copy it at once (like pgcopydb's <c>--split-tables-larger-than</c>).
/// Each range has its own progress row, <c>ENTITY#range2/4</c>, holding its own checkpoint and in-flight count, so a
/// resumed run continues every range exactly where it stopped. The ranges are fixed once, when the entity's copy
/// starts; the entity's own row then says <see cref="SplitStatus"/> until every range is done.
/// </summary>
public static partial class CopyParts
{
    /// <summary>Status of an entity whose ranges are recorded: its copy is the sum of theirs.</summary>
    public const string SplitStatus = "split";

    /// <summary>No table is cut into more ranges than this (each is a progress row and a few queries).</summary>
    public const int MaxRanges = 1024;

    public static string Name(string entity, int index, int count) => $"{entity}#range{index}/{count}";

    /// <summary>
    /// Status of a range row left by a split that was interrupted before it was recorded (the entity never said
    /// <see cref="SplitStatus"/>, so none of its rows was copied): it is no longer one of the entity's ranges.
    /// </summary>
    public const string RetiredStatus = "retired";

    /// <summary>The entity's current key ranges among <paramref name="rows"/>.</summary>
    public static List<EntityProgress> RangesOf(IEnumerable<EntityProgress> rows, string entity) =>
        rows.Where(r => IsRangeOf(r.Entity, entity) && r.Status != RetiredStatus).ToList();

    /// <summary>True when <paramref name="progressName"/> is one of <paramref name="entity"/>'s key ranges.</summary>
    public static bool IsRangeOf(string progressName, string entity) =>
        RangeName().Match(progressName) is { Success: true } m && m.Groups[1].Value == entity;

    /// <summary>
    /// How many ranges a table of <paramref name="rows"/> gets: none below <paramref name="splitRows"/>; otherwise about one per
    /// <paramref name="splitRows"/> rows, rounded up to a multiple of <paramref name="jobs"/> so the jobs finish together.
    /// </summary>
    public static int Count(long rows, int jobs, long splitRows)
    {
        if (jobs < 2 || splitRows < 1 || rows < splitRows)
        {
            return 0;
        }
        var byRows = Math.Min(rows / splitRows + (rows % splitRows == 0 ? 0 : 1), MaxRanges);
        return (int)Math.Min(jobs * ((byRows + jobs - 1) / jobs), MaxRanges);
    }

    /// <summary>
    /// Cuts <paramref name="e"/> into <paramref name="count"/> ranges and records them (status pending) before any row is copied.
    /// A single integer key is cut arithmetically between its smallest and largest value; any other key at the keys found
    /// <c>rows/count</c> apart. The first range is open below and the last open above, so together they hold every row
    /// whatever its key. Returns no ranges when the table is too small to cut.
    /// </summary>
    public static async Task<IReadOnlyList<EntityProgress>> SplitAsync(MigrationContext ctx, BoundEntity e, EntityProgress entity, int count, CancellationToken ct)
    {
        if (count < 2)
        {
            return [];
        }
        var bounds = await BoundsAsync(ctx.Source, e.Source.Name, e.SourceKey, e.KeyIsRowid, entity.Total, count, ct).ConfigureAwait(false);
        if (bounds.Count == 0)
        {
            return [];
        }
        var ranges = new List<EntityProgress>(bounds.Count + 1);
        var per = entity.Total / (bounds.Count + 1);
        for (var i = 0; i <= bounds.Count; i++)
        {
            ranges.Add(new EntityProgress(entity.RunId, Name(e.Name, i + 1, bounds.Count + 1), per, 0, 0, 0,
                i == 0 ? null : KeyCodec.Encode(bounds[i - 1]), 0, "pending", 0, i == bounds.Count ? null : KeyCodec.Encode(bounds[i])));
        }
        var state = ctx.RequireState();
        foreach (var r in ranges)
        {
            await state.SaveProgressAsync(r, ct).ConfigureAwait(false);
        }
        return ranges;
    }

    /// <summary>
    /// Where to cut <paramref name="table"/> (<paramref name="rows"/> rows) into <paramref name="count"/> key ranges: the inclusive
    /// upper keys of every range but the last, strictly increasing (fewer when the table is too small to cut that often).
    /// </summary>
    public static async Task<List<object?[]>> BoundsAsync(Connectors.ISourceStore store, string table, IReadOnlyList<string> key, bool keyIsRowid,
        long rows, int count, CancellationToken ct)
    {
        var first = await store.KeyAtAsync(table, key, keyIsRowid, 0, fromEnd: false, ct).ConfigureAwait(false);
        var last = await store.KeyAtAsync(table, key, keyIsRowid, 0, fromEnd: true, ct).ConfigureAwait(false);
        var bounds = new List<object?[]>();
        if (first is null || last is null)
        {
            return bounds;
        }
        if (first is [long lo] && last is [long hi])
        {
            for (var i = 1; i < count; i++)
            {
                var b = (long)(lo + ((Int128)hi - lo) * i / count);
                if (b >= lo && b < hi && (bounds.Count == 0 || b > (long)bounds[^1][0]!))
                {
                    bounds.Add([b]);
                }
            }
            return bounds;
        }
        string? previous = null;
        for (var i = 1; i < count; i++)
        {
            var at = await store.KeyAtAsync(table, key, keyIsRowid, rows * i / count - 1, fromEnd: false, ct).ConfigureAwait(false);
            // The store's own order decides; equal neighbours (a tiny table) are merged.
            if (at is not null && KeyCodec.Encode(at) is var encoded && encoded != previous)
            {
                bounds.Add(at);
                previous = encoded;
            }
        }
        return bounds;
    }

    /// <summary>
    /// Per-entity progress as people read it: id-map bookkeeping left out, the ranges of a split entity summed into it,
    /// and rejected counts taken from the failure records still open (a row fixed by a later attempt or by <c>retry</c>
    /// no longer counts).
    /// </summary>
    public static async Task<IReadOnlyList<EntityProgress>> ForPeopleAsync(IStateStore state, string runId, CancellationToken ct)
    {
        var open = (await state.FailuresAsync(null, unresolvedOnly: true, ct).ConfigureAwait(false))
            .GroupBy(f => f.Entity).ToDictionary(g => g.Key, g => (long)g.Count());
        return Rollup(await state.ProgressAsync(runId, ct).ConfigureAwait(false))
            .Select(p => p with { Rejected = open.GetValueOrDefault(p.Entity) })
            .ToList();
    }

    /// <summary>Entity rows only; a split entity still copying shows the sums of its ranges and the status <c>copying</c>.</summary>
    public static IReadOnlyList<EntityProgress> Rollup(IReadOnlyList<EntityProgress> rows)
    {
        var ranges = rows.Where(r => RangeName().IsMatch(r.Entity)).ToList();
        var result = new List<EntityProgress>();
        foreach (var p in rows.Where(r => !r.Entity.EndsWith("#idmap", StringComparison.Ordinal) && !RangeName().IsMatch(r.Entity)))
        {
            if (p.Status != SplitStatus)
            {
                result.Add(p);
                continue;
            }
            var mine = RangesOf(ranges, p.Entity);
            result.Add(p with
            {
                Read = mine.Sum(r => r.Read),
                Written = mine.Sum(r => r.Written),
                Rejected = mine.Sum(r => r.Rejected),
                InFlight = mine.Sum(r => r.InFlight),
                Seconds = mine.Count == 0 ? 0 : mine.Max(r => r.Seconds),
                Status = "copying",
            });
        }
        return result;
    }

    [GeneratedRegex(@"^(.*)#range\d+/\d+$", RegexOptions.Singleline)]
    private static partial Regex RangeName();
}

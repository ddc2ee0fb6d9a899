using Cutover.Internal;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;

namespace Cutover.Copy;

/// <summary>
/// The copy phase: every entity not yet done, copied by <see cref="MigrationContext.Jobs"/> jobs at once. A job takes the
/// largest piece of work left (an entity, or one key range of a large one, see <see cref="CopyParts"/>), copies it with
/// <see cref="EntityCopier"/> on its own source and target connections, and takes the next. The first job to fail stops the
/// others; every piece keeps its own checkpoint, so the next run resumes each exactly where it stopped.
/// </summary>
public static class CopyScheduler
{
    public static async Task CopyAsync(MigrationContext ctx, string runId, Dictionary<string, EntityProgress> progress, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var jobs = Jobs(ctx);
        var rows = await state.ProgressAsync(runId, ct).ConfigureAwait(false);
        var observer = new ParallelObserver(ctx.Observer);
        var work = new List<(BoundEntity Entity, EntityProgress Progress)>();
        var split = new List<BoundEntity>();
        foreach (var e in ctx.Entities)
        {
            var p = progress[e.Name];
            if (p.Status == "done")
            {
                continue;
            }
            IReadOnlyList<EntityProgress> ranges = p.Status == CopyParts.SplitStatus ? CopyParts.RangesOf(rows, e.Name) : [];
            if (ranges.Count == 0 && p is { Read: 0, InFlight: 0, Checkpoint: null } && CopyParts.Count(p.Total, jobs, ctx.SplitRows) is > 1 and var count)
            {
                // A split interrupted before it was recorded left range rows nothing was copied by; they must not be
                // taken for this split's (another --jobs gives other names, which would otherwise linger beside them).
                foreach (var stale in CopyParts.RangesOf(rows, e.Name))
                {
                    await state.SaveProgressAsync(stale with { Status = CopyParts.RetiredStatus }, ct).ConfigureAwait(false);
                }
                ranges = await CopyParts.SplitAsync(ctx, e, p, count, ct).ConfigureAwait(false);
                if (ranges.Count > 0)
                {
                    // The ranges are recorded before this: from here on a resumed run copies exactly these ranges.
                    p = p with { Status = CopyParts.SplitStatus };
                    await state.SaveProgressAsync(p, ct).ConfigureAwait(false);
                    progress[e.Name] = p;
                    Log.EntitySplit(ctx.Logger, runId, e.Name, ranges.Count, p.Total);
                }
            }
            if (ranges.Count > 0)
            {
                split.Add(e);
                observer.Split(e.Name, p.Total, ranges);
                work.AddRange(ranges.Where(r => r.Status != "done").Select(r => (e, r)));
            }
            else
            {
                work.Add((e, p));
            }
        }
        // Largest first, so the last piece a job picks up is a small one and the jobs finish close together.
        work = work.OrderByDescending(w => w.Progress.Total - w.Progress.Read).ToList();
        await ParallelJobs.RunAsync(ctx, observer, work, jobs, writeTarget: true,
            (mine, w, token) => EntityCopier.CopyAsync(mine, w.Entity, w.Progress, token), ct).ConfigureAwait(false);
        foreach (var e in split)
        {
            await FinishSplitAsync(ctx, e, runId, progress, clock.Elapsed.TotalSeconds, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The jobs the copy runs: as asked, or 1 into a target that takes one writer at a time.</summary>
    public static int Jobs(MigrationContext ctx) => ctx.Target.ParallelWrites ? Math.Max(1, ctx.Jobs) : 1;

    /// <summary>Once every range of a split entity is done, its own row gets their sums and says done.</summary>
    private static async Task FinishSplitAsync(MigrationContext ctx, BoundEntity e, string runId, Dictionary<string, EntityProgress> progress,
        double copySeconds, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var ranges = CopyParts.RangesOf(await state.ProgressAsync(runId, ct).ConfigureAwait(false), e.Name);
        if (ranges.Any(r => r.Status != "done"))
        {
            return;
        }
        var rejected = (await state.FailuresAsync(e.Name, unresolvedOnly: true, ct).ConfigureAwait(false)).Count;
        var p = progress[e.Name] with
        {
            Read = ranges.Sum(r => r.Read),
            Written = ranges.Sum(r => r.Written),
            Rejected = rejected,
            InFlight = 0,
            Status = "done",
            // Wall time, not one range's: from the copy's start (largest pieces go first) to its last range's end, or the
            // longest range when a resumed run finished only a few.
            Seconds = Math.Max(ranges.Max(r => r.Seconds), copySeconds),
        };
        await state.SaveProgressAsync(p, ct).ConfigureAwait(false);
        progress[e.Name] = p;
        Log.EntityCopied(ctx.Logger, runId, e.Name, p.Read, p.Written, p.Rejected, p.Seconds);
        ctx.Observer.EntityFinished(p);
    }
}

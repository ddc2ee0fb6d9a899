using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Cutover.Connectors;
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
            IReadOnlyList<EntityProgress> ranges = p.Status == CopyParts.SplitStatus ? rows.Where(r => CopyParts.IsRangeOf(r.Entity, e.Name)).ToList() : [];
            if (ranges.Count == 0 && p is { Read: 0, InFlight: 0, Checkpoint: null } && CopyParts.Count(p.Total, jobs, ctx.SplitRows) is > 1 and var count)
            {
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
        await RunJobsAsync(ctx, observer, work, Math.Min(jobs, work.Count), ct).ConfigureAwait(false);
        foreach (var e in split)
        {
            await FinishSplitAsync(ctx, e, runId, progress, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The jobs the copy runs: as asked, or 1 into a target that takes one writer at a time.</summary>
    public static int Jobs(MigrationContext ctx) => ctx.Target.ParallelWrites ? Math.Max(1, ctx.Jobs) : 1;

    private static async Task RunJobsAsync(MigrationContext ctx, ParallelObserver observer, List<(BoundEntity Entity, EntityProgress Progress)> work, int jobs, CancellationToken ct)
    {
        var queue = new ConcurrentQueue<(BoundEntity Entity, EntityProgress Progress)>(work);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Exception? first = null;

        async Task JobAsync(int job)
        {
            ISourceStore? source = null;
            ITargetStore? target = null;
            try
            {
                MigrationContext? mine = null;
                while (queue.TryDequeue(out var w))
                {
                    stop.Token.ThrowIfCancellationRequested();
                    if (mine is null)
                    {
                        // The first job uses the run's own connections; each other job opens its own pair.
                        if (job > 0)
                        {
                            source = await ctx.Registry.For(ctx.Plan.Source, "source").OpenSourceAsync(ctx.Plan.Source, ctx.Plan.BaseDirectory, stop.Token).ConfigureAwait(false);
                            target = await ctx.Registry.For(ctx.Plan.Target, "target").OpenTargetAsync(ctx.Plan.Target, ctx.Plan.BaseDirectory, readOnly: false, stop.Token).ConfigureAwait(false);
                        }
                        mine = ctx.WithStores(source ?? ctx.Source, target ?? ctx.Target, observer);
                    }
                    await EntityCopier.CopyAsync(mine, w.Entity, w.Progress, stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // The first failure is the one to report; the jobs it stops fail with cancellations.
                if (ex is not OperationCanceledException || ct.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref first, ex, null);
                }
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                if (source is not null)
                {
                    await source.DisposeAsync().ConfigureAwait(false);
                }
                if (target is not null)
                {
                    await target.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        var tasks = Enumerable.Range(0, Math.Max(1, jobs)).Select(j => Task.Run(() => JobAsync(j), CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch when (first is not null)
        {
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>Once every range of a split entity is done, its own row gets their sums and says done.</summary>
    private static async Task FinishSplitAsync(MigrationContext ctx, BoundEntity e, string runId, Dictionary<string, EntityProgress> progress, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var ranges = (await state.ProgressAsync(runId, ct).ConfigureAwait(false)).Where(r => CopyParts.IsRangeOf(r.Entity, e.Name)).ToList();
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
            Seconds = ranges.Max(r => r.Seconds),
        };
        await state.SaveProgressAsync(p, ct).ConfigureAwait(false);
        progress[e.Name] = p;
        Log.EntityCopied(ctx.Logger, runId, e.Name, p.Read, p.Written, p.Rejected, p.Seconds);
        ctx.Observer.EntityFinished(p);
    }
}

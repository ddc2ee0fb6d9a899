using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Cutover.Connectors;
using Cutover.Migration;

namespace Cutover.Copy;

/// <summary>
/// Runs pieces of work on up to N jobs at once. The first job works on the command's own connections; every other job
/// opens its own source and target (a connection is never shared between jobs) and closes them when the work runs out.
/// Jobs take the pieces in the order given. The first failure stops the other jobs and is the one reported.
/// </summary>
public static class ParallelJobs
{
    public static async Task RunAsync<T>(MigrationContext ctx, IMigrationObserver observer, IReadOnlyList<T> work, int jobs,
        bool writeTarget, Func<MigrationContext, T, CancellationToken, Task> run, CancellationToken ct)
    {
        var queue = new ConcurrentQueue<T>(work);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Exception? first = null;

        async Task JobAsync(int job)
        {
            ISourceStore? source = null;
            ITargetStore? target = null;
            try
            {
                MigrationContext? mine = null;
                while (queue.TryDequeue(out var piece))
                {
                    stop.Token.ThrowIfCancellationRequested();
                    if (mine is null)
                    {
                        if (job > 0)
                        {
                            source = await ctx.Registry.For(ctx.Plan.Source, "source").OpenSourceAsync(ctx.Plan.Source, ctx.Plan.BaseDirectory, stop.Token).ConfigureAwait(false);
                            target = await ctx.Registry.For(ctx.Plan.Target, "target").OpenTargetAsync(ctx.Plan.Target, ctx.Plan.BaseDirectory, readOnly: !writeTarget, stop.Token).ConfigureAwait(false);
                        }
                        mine = ctx.WithStores(source ?? ctx.Source, target ?? ctx.Target, observer);
                    }
                    await run(mine, piece, stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // The first failure is the one to report; the jobs it stops fail with cancellations (a cancellation before
                // anything was stopped, a driver's timeout say, is a failure of its own).
                if (ex is not OperationCanceledException || ct.IsCancellationRequested || !stop.IsCancellationRequested)
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

        var tasks = Enumerable.Range(0, Math.Clamp(jobs, 1, Math.Max(1, work.Count))).Select(j => Task.Run(() => JobAsync(j), CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch when (first is not null)
        {
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}

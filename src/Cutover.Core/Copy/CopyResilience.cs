using System.Globalization;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Internal;
using Cutover.Migration;
using Cutover.Schema;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Cutover.Copy;

/// <summary>How often and how long a copy retries a transient failure (a dropped connection, a restarting server).</summary>
/// <param name="Attempts">Tries in all, the first included.</param>
/// <param name="BaseDelay">The wait before the first retry; each further wait doubles (with jitter).</param>
/// <param name="MaxDelay">The longest single wait.</param>
public sealed record RetryOptions(int Attempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>6 tries, waiting about 0.5, 1, 2, 4 and 8 s between them: roughly 15 s before a run gives up.</summary>
    public static RetryOptions Default { get; } = new(6, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(8));
}

/// <summary>
/// The one retry policy of the copy: a <see cref="CutoverException"/> marked transient (SOURCE_UNREACHABLE,
/// TARGET_UNREACHABLE from a dropped connection) is retried with exponential backoff and jitter; anything else
/// fails at once. When the tries run out, the transient exception surfaces and the run fails with its checkpoint
/// intact, so the next <c>migrate</c> resumes.
/// </summary>
internal static class CopyResilience
{
    public static ResiliencePipeline Create(TimeProvider time, IMigrationObserver observer, ILogger logger, RetryOptions? options = null)
    {
        var o = options ?? RetryOptions.Default;
        var attempts = Math.Max(1, o.Attempts);
        if (attempts == 1)
        {
            return ResiliencePipeline.Empty;
        }
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<CutoverException>(ex => ex.IsTransient),
                MaxRetryAttempts = attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.BaseDelay,
                MaxDelay = o.MaxDelay,
                OnRetry = args =>
                {
                    var ex = (CutoverException)args.Outcome.Exception!;
                    var what = ex.Code switch
                    {
                        ErrorCodes.TargetUnreachable => "target unreachable",
                        ErrorCodes.SourceUnreachable => "source unreachable",
                        _ => ex.Code.ToLowerInvariant().Replace('_', ' '),
                    };
                    // AttemptNumber counts from 0 for the first try; the next try is number + 2 of the total.
                    var next = args.AttemptNumber + 2;
                    var seconds = args.RetryDelay.TotalSeconds;
                    observer.Warn(string.Create(CultureInfo.InvariantCulture, $"{what}, retrying in {seconds:F1} s (attempt {next}/{attempts})"));
                    Log.Retrying(logger, what, seconds, next, attempts, ex.Code, ex.Message);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>
    /// Writes one batch under <paramref name="pipeline"/>. A retry always upserts: the failed try may have committed
    /// before its connection dropped, and an upsert of a row already there leaves it once.
    /// </summary>
    public static async Task<WriteResult> WriteAsync(ResiliencePipeline pipeline, ITargetStore target, TargetTable table,
        IReadOnlyList<object?[]> rows, WriteMode mode, bool stopOnFirstFailure, CancellationToken ct)
    {
        var tries = 0;
        return await pipeline.ExecuteAsync(async t =>
        {
            var m = tries++ == 0 ? mode : WriteMode.Upsert;
            return await target.WriteBatchAsync(table, rows, m, stopOnFirstFailure, t).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }
}

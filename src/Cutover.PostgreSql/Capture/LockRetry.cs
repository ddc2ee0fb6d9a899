using Npgsql;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// DDL on a live table (CREATE and DROP TRIGGER) and the freeze's wait take table locks. Each attempt waits at most
/// <see cref="Timeout"/> for its lock, so a long transaction never keeps the application's writes queued behind Cutover's
/// lock request for long, and is tried again until it gets through (or the caller cancels).
/// </summary>
internal static class LockRetry
{
    /// <summary>The lock_timeout of one attempt.</summary>
    public const string Timeout = "2s";

    public static async Task RunAsync(Func<Task> attempt, CancellationToken ct)
    {
        for (var delay = 20; ; delay = Math.Min(delay * 2, 500))
        {
            try
            {
                await attempt().ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
    }
}

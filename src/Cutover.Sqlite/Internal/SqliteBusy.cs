using Cutover.Errors;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Internal;

/// <summary>
/// Work another connection can hold up. SQLITE_BUSY or SQLITE_LOCKED that outlasts the busy timeout undoes the work (its
/// transaction is disposed) and runs it again a few times; then the caller gets a transient <see cref="CutoverException"/>.
/// </summary>
internal static class SqliteBusy
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int Attempts = 4;

    public static bool IsBusy(SqliteException ex) => (ex.SqliteErrorCode & 0xFF) is Busy or Locked;

    public static async Task<T> RetryAsync<T>(Func<T> work, string what, string code, TimeProvider time, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return work();
            }
            catch (SqliteException ex) when (IsBusy(ex))
            {
                if (attempt == Attempts)
                {
                    throw new CutoverException(code, $"{what}: the database stayed busy (another connection holds its write lock): {ex.Message}", isTransient: true, ex);
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt), time, ct).ConfigureAwait(false);
            }
        }
    }
}

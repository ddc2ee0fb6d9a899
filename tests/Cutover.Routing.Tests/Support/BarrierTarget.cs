using Cutover.Routing;

namespace Cutover.Routing.Tests.Support;

/// <summary>
/// A store whose methods complete synchronously (as Microsoft.Data.Sqlite's do) and block until every store sharing
/// <paramref name="barrier"/> is inside a call at the same time: a call succeeds only when the calls overlap.
/// </summary>
internal sealed class BarrierTarget(Barrier barrier, TimeSpan timeout) : IMigrationTarget<string, string>
{
    public ValueTask<string?> ReadAsync(string key, CancellationToken ct)
    {
        Meet();
        return ValueTask.FromResult<string?>(key);
    }

    public ValueTask WriteAsync(string key, string value, CancellationToken ct)
    {
        Meet();
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAsync(string key, CancellationToken ct)
    {
        Meet();
        return ValueTask.CompletedTask;
    }

    private void Meet()
    {
        if (!barrier.SignalAndWait(timeout))
        {
            throw new TimeoutException("the other store's call did not run at the same time");
        }
    }
}

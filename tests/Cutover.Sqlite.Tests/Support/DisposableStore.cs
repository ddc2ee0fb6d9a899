namespace Cutover.Sqlite.Tests.Support;

/// <summary>Lets synchronous tests dispose a store with <c>using</c>.</summary>
internal sealed class DisposableStore(SqliteStore store) : IDisposable
{
    public SqliteStore Store { get; } = store;

    public void Dispose() => Store.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

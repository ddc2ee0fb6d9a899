using Cutover.Connectors;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>
/// A fresh database per test (see <see cref="TestDatabases"/>) and PostgreSQL stores opened on it, all disposed after
/// the test, the stores first.
/// </summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _stores = [];

    protected TestDatabases Databases { get; } = new();

    protected PostgreSqlStoreProvider Provider { get; } = new();

    /// <summary>The test's database, as a postgres:// URI with the password.</summary>
    protected string DatabaseUri { get; private set; } = "";

    public async Task InitializeAsync() => DatabaseUri = await Databases.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var s in _stores)
        {
            await s.DisposeAsync();
        }
        await Databases.DisposeAsync();
    }

    /// <summary>Disposes <paramref name="disposable"/> after the test, before the databases are dropped.</summary>
    protected T Track<T>(T disposable) where T : IAsyncDisposable
    {
        _stores.Add(disposable);
        return disposable;
    }

    /// <summary>Opens a target store on the test's database; it is disposed after the test.</summary>
    protected async Task<ITargetStore> TargetAsync()
    {
        var t = await Provider.OpenTargetAsync(DatabaseUri, ".", false, CancellationToken.None);
        _stores.Add(t);
        return t;
    }

    /// <summary>Opens a source store on the test's database; it is disposed after the test.</summary>
    protected async Task<ISourceStore> SourceAsync()
    {
        var s = await Provider.OpenSourceAsync(DatabaseUri, ".", CancellationToken.None);
        _stores.Add(s);
        return s;
    }
}

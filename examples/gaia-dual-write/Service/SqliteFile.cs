using Microsoft.Data.Sqlite;

namespace Gaia.Service;

/// <summary>
/// One open connection to a SQLite file, used by one call at a time. SQLite takes one writer per file anyway;
/// the gate keeps the connection's commands from interleaving across requests.
/// </summary>
public sealed class SqliteFile : IAsyncDisposable
{
    private readonly SqliteConnection _conn;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SqliteFile(string path, string schema)
    {
        _conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _conn.Open();
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; " + schema;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs <paramref name="work"/> with a fresh command on the connection, alone.</summary>
    public async ValueTask<T> RunAsync<T>(Func<SqliteCommand, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await using var cmd = _conn.CreateCommand();
            return await work(cmd, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _conn.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}

using Cutover.Routing;
using Microsoft.Data.Sqlite;

namespace Cutover.Bench.DualWrite;

/// <summary>
/// A sessions store in one SQLite file (WAL, <c>synchronous</c> NORMAL or FULL): every write is one upsert on a pooled
/// connection. Microsoft.Data.Sqlite's async methods complete synchronously, so a write has ended by the time
/// <see cref="WriteAsync"/> returns.
/// </summary>
internal sealed class SqliteSessionStore : IMigrationTarget<string, string>
{
    // synchronous is per connection and pooled connections may be new, so each command sets it (it costs a few µs).
    private const string Upsert = """
        PRAGMA synchronous = {0};
        INSERT INTO sessions (id, payload, updated_at) VALUES ($id, $payload, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at
        """;

    private readonly string _connectionString;
    private readonly string _upsert;

    private SqliteSessionStore(string connectionString, string synchronous)
    {
        _connectionString = connectionString;
        _upsert = Upsert.Replace("{0}", synchronous, StringComparison.Ordinal);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with a fresh WAL database holding the sessions table; <paramref name="synchronous"/>
    /// is NORMAL (a commit does not wait for the disk) or FULL (every commit syncs the WAL).
    /// </summary>
    public static SqliteSessionStore Create(string path, string synchronous)
    {
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(f);
        }
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ConnectionString;
        using var conn = new SqliteConnection(cs);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE sessions (id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated_at TEXT NOT NULL)";
        cmd.ExecuteNonQuery();
        return new SqliteSessionStore(cs, synchronous);
    }

    public async ValueTask<string?> ReadAsync(string key, CancellationToken ct)
    {
        await using var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT payload FROM sessions WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", key);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    public async ValueTask WriteAsync(string key, string value, CancellationToken ct)
    {
        await using var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = _upsert;
        cmd.Parameters.AddWithValue("$id", key);
        cmd.Parameters.AddWithValue("$payload", value);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(string key, CancellationToken ct)
    {
        await using var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "DELETE FROM sessions WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", key);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public long Count()
    {
        using var conn = new SqliteConnection(_connectionString);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sessions";
        return (long)cmd.ExecuteScalar()!;
    }
}

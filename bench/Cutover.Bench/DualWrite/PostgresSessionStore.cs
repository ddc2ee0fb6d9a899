using Cutover.Routing;
using Npgsql;

namespace Cutover.Bench.DualWrite;

/// <summary>
/// A sessions store in one PostgreSQL database: every write is one upsert on its own pooled connection
/// (<see cref="NpgsqlDataSource"/>), fully asynchronous, so two of them overlap when started together.
/// </summary>
internal sealed class PostgresSessionStore : IMigrationTarget<string, string>, IAsyncDisposable
{
    private const string Upsert = """
        INSERT INTO sessions (id, payload, updated_at) VALUES ($1, $2, now())
        ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at
        """;

    private readonly NpgsqlDataSource _source;

    private PostgresSessionStore(NpgsqlDataSource source) => _source = source;

    /// <summary>Creates (or empties) database <paramref name="database"/> next to the one <paramref name="admin"/> names, with its sessions table.</summary>
    public static async Task<PostgresSessionStore> CreateAsync(string admin, string database, int poolSize)
    {
        await using (var adminSource = NpgsqlDataSource.Create(admin))
        {
            await using var drop = adminSource.CreateCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
            await using var create = adminSource.CreateCommand($"CREATE DATABASE \"{database}\"");
            await create.ExecuteNonQueryAsync();
        }
        var b = new NpgsqlConnectionStringBuilder(admin)
        {
            Database = database,
            MaxPoolSize = poolSize,
            MinPoolSize = poolSize,
            MaxAutoPrepare = 8,
            AutoPrepareMinUsages = 2,
        };
        var source = NpgsqlDataSource.Create(b.ConnectionString);
        await using (var ddl = source.CreateCommand("CREATE TABLE sessions (id text PRIMARY KEY, payload text NOT NULL, updated_at timestamptz NOT NULL)"))
        {
            await ddl.ExecuteNonQueryAsync();
        }
        return new PostgresSessionStore(source);
    }

    public static async Task DropAsync(string admin, string database)
    {
        await using var adminSource = NpgsqlDataSource.Create(admin);
        await using var drop = adminSource.CreateCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }

    public async ValueTask<string?> ReadAsync(string key, CancellationToken ct)
    {
        await using var conn = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT payload FROM sessions WHERE id = $1", conn) { Parameters = { new() { Value = key } } };
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    public async ValueTask WriteAsync(string key, string value, CancellationToken ct)
    {
        await using var conn = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(Upsert, conn) { Parameters = { new() { Value = key }, new() { Value = value } } };
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(string key, CancellationToken ct)
    {
        await using var conn = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("DELETE FROM sessions WHERE id = $1", conn) { Parameters = { new() { Value = key } } };
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<long> CountAsync()
    {
        await using var cmd = _source.CreateCommand("SELECT count(*) FROM sessions");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The server's durability settings, as <c>fsync=on synchronous_commit=on full_page_writes=on</c>.</summary>
    public async Task<string> DurabilityAsync()
    {
        await using var cmd = _source.CreateCommand(
            "SELECT format('fsync=%s synchronous_commit=%s full_page_writes=%s', current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes'))");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}

using Cutover.Routing;

namespace Gaia.Service;

/// <summary>The store being migrated from (GAIA_HOME's shape): one row per session, title and body columns.</summary>
public sealed class OldSessionStore(SqliteFile db) : IMigrationTarget<string, Session>
{
    public const string Schema = "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, updated_at TEXT NOT NULL);";

    public ValueTask<Session?> ReadAsync(string key, CancellationToken ct) => db.RunAsync<Session?>(async (cmd, c) =>
    {
        cmd.CommandText = "SELECT title, body FROM sessions WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", key);
        await using var r = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        return await r.ReadAsync(c).ConfigureAwait(false) ? new Session(r.GetString(0), r.GetString(1)) : null;
    }, ct);

    public async ValueTask WriteAsync(string key, Session value, CancellationToken ct) => await db.RunAsync(async (cmd, c) =>
    {
        cmd.CommandText = """
            INSERT INTO sessions (id, title, body, updated_at) VALUES ($id, $t, $b, $at)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body, updated_at = excluded.updated_at
            """;
        cmd.Parameters.AddWithValue("$id", key);
        cmd.Parameters.AddWithValue("$t", value.Title);
        cmd.Parameters.AddWithValue("$b", value.Body);
        cmd.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
        return await cmd.ExecuteNonQueryAsync(c).ConfigureAwait(false);
    }, ct).ConfigureAwait(false);

    public async ValueTask DeleteAsync(string key, CancellationToken ct) => await db.RunAsync(async (cmd, c) =>
    {
        cmd.CommandText = "DELETE FROM sessions WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", key);
        return await cmd.ExecuteNonQueryAsync(c).ConfigureAwait(false);
    }, ct).ConfigureAwait(false);
}

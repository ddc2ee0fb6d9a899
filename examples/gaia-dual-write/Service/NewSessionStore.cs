using Cutover.Routing;

namespace Gaia.Service;

/// <summary>
/// The store being migrated to (GAIA_GO's shape): table <c>sessions_v2</c> keyed by <c>session_id</c>, without the old
/// store's <c>updated_at</c>; the plan maps one onto the other (<c>cutover.yaml</c>), which is what lets <c>cutover
/// reconcile</c>, <c>diff</c> and <c>repair</c> work across the two. Every write and delete first asks the
/// <see cref="FaultSwitch"/>, so a run can make this side fail or slow down on purpose.
/// </summary>
public sealed class NewSessionStore(SqliteFile db, FaultSwitch fault) : IMigrationTarget<string, Session>
{
    public const string Schema = "CREATE TABLE IF NOT EXISTS sessions_v2 (session_id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL);";

    public ValueTask<Session?> ReadAsync(string key, CancellationToken ct) => db.RunAsync<Session?>(async (cmd, c) =>
    {
        cmd.CommandText = "SELECT title, body FROM sessions_v2 WHERE session_id = $id";
        cmd.Parameters.AddWithValue("$id", key);
        await using var r = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        return await r.ReadAsync(c).ConfigureAwait(false) ? new Session(r.GetString(0), r.GetString(1)) : null;
    }, ct);

    public async ValueTask WriteAsync(string key, Session value, CancellationToken ct)
    {
        await fault.BeforeWriteAsync(ct).ConfigureAwait(false);
        await db.RunAsync(async (cmd, c) =>
        {
            cmd.CommandText = """
                INSERT INTO sessions_v2 (session_id, title, body) VALUES ($id, $t, $b)
                ON CONFLICT (session_id) DO UPDATE SET title = excluded.title, body = excluded.body
                """;
            cmd.Parameters.AddWithValue("$id", key);
            cmd.Parameters.AddWithValue("$t", value.Title);
            cmd.Parameters.AddWithValue("$b", value.Body);
            return await cmd.ExecuteNonQueryAsync(c).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(string key, CancellationToken ct)
    {
        await fault.BeforeWriteAsync(ct).ConfigureAwait(false);
        await db.RunAsync(async (cmd, c) =>
        {
            cmd.CommandText = "DELETE FROM sessions_v2 WHERE session_id = $id";
            cmd.Parameters.AddWithValue("$id", key);
            return await cmd.ExecuteNonQueryAsync(c).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }
}

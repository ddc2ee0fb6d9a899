using System.Text.Json;
using Cutover.Routing;

namespace Gaia.Service;

/// <summary>
/// The store being migrated to (GAIA_GO's shape): the session as a JSON document under <c>session_id</c>. Every write
/// and delete first asks the <see cref="FaultSwitch"/>, so a run can make this side fail or slow down on purpose.
/// </summary>
public sealed class NewSessionStore(SqliteFile db, FaultSwitch fault) : IMigrationTarget<string, Session>
{
    public const string Schema = "CREATE TABLE IF NOT EXISTS session_docs (session_id TEXT PRIMARY KEY, doc TEXT NOT NULL, written_at TEXT NOT NULL);";

    public ValueTask<Session?> ReadAsync(string key, CancellationToken ct) => db.RunAsync<Session?>(async (cmd, c) =>
    {
        cmd.CommandText = "SELECT doc FROM session_docs WHERE session_id = $id";
        cmd.Parameters.AddWithValue("$id", key);
        return await cmd.ExecuteScalarAsync(c).ConfigureAwait(false) is string doc ? JsonSerializer.Deserialize<Session>(doc) : null;
    }, ct);

    public async ValueTask WriteAsync(string key, Session value, CancellationToken ct)
    {
        await fault.BeforeWriteAsync(ct).ConfigureAwait(false);
        await db.RunAsync(async (cmd, c) =>
        {
            cmd.CommandText = """
                INSERT INTO session_docs (session_id, doc, written_at) VALUES ($id, $doc, $at)
                ON CONFLICT (session_id) DO UPDATE SET doc = excluded.doc, written_at = excluded.written_at
                """;
            cmd.Parameters.AddWithValue("$id", key);
            cmd.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(value));
            cmd.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
            return await cmd.ExecuteNonQueryAsync(c).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(string key, CancellationToken ct)
    {
        await fault.BeforeWriteAsync(ct).ConfigureAwait(false);
        await db.RunAsync(async (cmd, c) =>
        {
            cmd.CommandText = "DELETE FROM session_docs WHERE session_id = $id";
            cmd.Parameters.AddWithValue("$id", key);
            return await cmd.ExecuteNonQueryAsync(c).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }
}

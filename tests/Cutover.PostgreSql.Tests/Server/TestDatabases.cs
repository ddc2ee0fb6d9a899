using Npgsql;
using NpgsqlTypes;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>
/// Fresh databases on the throwaway server, one per call (cutover_t_GUID, created by the cutover role), all dropped
/// on dispose: test classes running in parallel never see each other's tables. Each has a domain <c>blob</c> over
/// bytea, so the conformance suite's engine-neutral DDL (SQLite type names) also runs on PostgreSQL.
/// </summary>
public sealed class TestDatabases : IAsyncDisposable
{
    private readonly TestServer _server = new();
    private readonly List<string> _names = [];

    /// <summary>
    /// Creates a database and returns its postgres:// URI (with the password, as a plan would hold it). <paramref name="with"/>
    /// is appended to CREATE DATABASE (an encoding, say).
    /// </summary>
    public async Task<string> CreateAsync(string with = "")
    {
        var name = "cutover_t_" + Guid.NewGuid().ToString("N");
        await using (var admin = await _server.OpenAsync())
        {
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name} {with}", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        _names.Add(name);
        await ExecAsync(UriOf(name), "CREATE DOMAIN blob AS bytea");
        return UriOf(name);
    }

    public string UriOf(string database) => _server.Uri[..(_server.Uri.LastIndexOf('/') + 1)] + database;

    public string Password => _server.Builder.Password!;

    public static async Task<NpgsqlConnection> OpenAsync(string uri)
    {
        var b = Internal.PostgreSqlUri.Parse(uri);
        b.Pooling = false;
        var conn = new NpgsqlConnection(b.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    public static async Task ExecAsync(string uri, params string[] sql)
    {
        await using var conn = await OpenAsync(uri);
        foreach (var s in sql)
        {
            await using var cmd = new NpgsqlCommand(s, conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    public static async Task<object?> ScalarAsync(string uri, string sql)
    {
        await using var conn = await OpenAsync(uri);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync();
    }

    /// <summary>Inserts rows with binary COPY; each value's type follows its CLR type (long, double, string, byte[]).</summary>
    public static async Task InsertAsync(string uri, string table, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows)
    {
        await using var conn = await OpenAsync(uri);
        var quoted = string.Join(", ", columns.Select(c => "\"" + c.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        await using var importer = await conn.BeginBinaryImportAsync($"COPY \"{table}\" ({quoted}) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await importer.StartRowAsync();
            foreach (var v in row)
            {
                switch (v)
                {
                    case null: await importer.WriteNullAsync(); break;
                    case long l: await importer.WriteAsync(l, NpgsqlDbType.Bigint); break;
                    case double d: await importer.WriteAsync(d, NpgsqlDbType.Double); break;
                    case string s: await importer.WriteAsync(s, NpgsqlDbType.Text); break;
                    case byte[] b: await importer.WriteAsync(b, NpgsqlDbType.Bytea); break;
                    default: throw new ArgumentException($"no COPY type for {v.GetType().Name}");
                }
            }
        }
        await importer.CompleteAsync();
    }

    /// <summary>
    /// A logical replication slot keeps its database from being dropped (even WITH (FORCE)): a test that failed before its
    /// capture removed its slot leaves one. Its walsender, if any, is ended first.
    /// </summary>
    private static async Task DropSlotsAsync(NpgsqlConnection admin, string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = @d AND active_pid IS NOT NULL", admin);
            cmd.Parameters.AddWithValue("d", database);
            await cmd.ExecuteNonQueryAsync();
            cmd.CommandText = "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = @d AND NOT active";
            try
            {
                await cmd.ExecuteNonQueryAsync();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                // Taken again between the query and the drop: the next attempt gets it.
            }
            cmd.CommandText = "SELECT count(*) FROM pg_replication_slots WHERE database = @d";
            if ((long)(await cmd.ExecuteScalarAsync())! == 0 || attempt >= 50)
            {
                return;
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await using var admin = await _server.OpenAsync();
        foreach (var name in _names)
        {
            await DropSlotsAsync(admin, name);
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            // A server-side worker that is not ours (an autovacuum worker) can be attached for a moment; FORCE may not end it.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await cmd.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException ex) when (ex.SqlState == "42501" && attempt < 10)
                {
                    await Task.Delay(300);
                }
            }
        }
    }
}

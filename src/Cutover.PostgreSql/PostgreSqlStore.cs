using System.Runtime.CompilerServices;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Cutover.Schema;
using Npgsql;

namespace Cutover.PostgreSql;

/// <summary>
/// A PostgreSQL database as a source or a target: one connection, working in the current schema (the first on
/// search_path). Sources and read-only targets are opened with default_transaction_read_only=on, so they cannot write.
/// A dropped connection (a restarted server, a terminated backend) fails the call with a transient SOURCE_UNREACHABLE or
/// TARGET_UNREACHABLE, and the next call opens a new connection; the copy's retry policy decides whether to try again.
/// </summary>
internal sealed partial class PostgreSqlStore : ITargetStore, IBackupCapable
{
    private const int Page = 10_000;
    private const int KeysPerStatement = 500;

    private readonly string _role;
    private readonly bool _readOnly;
    private NpgsqlConnection _conn;
    private readonly NpgsqlConnectionStringBuilder _settings;
    private readonly Dictionary<string, Dictionary<string, string>> _columnTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _keyed = new(StringComparer.Ordinal);

    /// <summary>Each target table's mapped columns, so verification does not map them again for every row.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<TargetTable, IReadOnlyList<PgColumn>> _mapped = new();

    private PostgreSqlStore(NpgsqlConnection conn, NpgsqlConnectionStringBuilder settings, string display, string role, bool readOnly)
    {
        _conn = conn;
        _settings = settings;
        Display = display;
        _role = role;
        _readOnly = readOnly;
    }

    public string Display { get; }

    /// <inheritdoc />
    public bool ParallelWrites => true;

    /// <summary>The database was connected to, so it exists (a missing database fails to open).</summary>
    public bool Exists => true;

    /// <summary>Opens the one connection the store uses. Errors name the URI redacted, never the password.</summary>
    public static async Task<PostgreSqlStore> OpenAsync(string uri, string display, string role, bool readOnly, CancellationToken ct)
    {
        var b = PostgreSqlUri.Parse(uri);
        b.Pooling = false;
        b.Enlist = false;
        b.ApplicationName ??= "cutover";
        // The server's DETAIL lines name what blocks an operation (the view that depends on a table, the key a foreign
        // key misses); they hold the user's own data, never a password.
        b.IncludeErrorDetail = true;
        // Bulk reads and COPY move megabytes: 64 KiB buffers (Npgsql's default is 8 KiB) mean fewer system calls.
        b.ReadBufferSize = Math.Max(b.ReadBufferSize, 64 * 1024);
        b.WriteBufferSize = Math.Max(b.WriteBufferSize, 64 * 1024);
        // Types read as text (timestamp, interval, timetz, ...) print the same way on every server: ISO dates, UTC.
        b.Options = "-c DateStyle=ISO -c IntervalStyle=postgres -c TimeZone=UTC" + (readOnly ? " -c default_transaction_read_only=on" : "");
        var conn = await ConnectAsync(b, display, role, ct).ConfigureAwait(false);
        return new PostgreSqlStore(conn, b, display, role, readOnly);
    }

    private static Task<NpgsqlConnection> ConnectAsync(NpgsqlConnectionStringBuilder b, string display, string role, CancellationToken ct) =>
        PgConnect.OpenAsync(b, UnreachableCode(role), $"{role} {display}", ct);

    private static string UnreachableCode(string role) => role == "source" ? ErrorCodes.SourceUnreachable : ErrorCodes.TargetUnreachable;

    private static string Reason(NpgsqlException ex, NpgsqlConnectionStringBuilder b) => PgConnect.Reason(ex, b);

    /// <summary>
    /// The connection, opened again when the last one broke (a restarted server, a terminated backend). Column types
    /// cached from the old connection stay valid: the tables are the same.
    /// </summary>
    private async ValueTask<NpgsqlConnection> ConnAsync(CancellationToken ct)
    {
        if (_conn.State == System.Data.ConnectionState.Open)
        {
            return _conn;
        }
        await _conn.DisposeAsync().ConfigureAwait(false);
        _conn = await ConnectAsync(_settings, Display, _role, ct).ConfigureAwait(false);
        return _conn;
    }

    /// <summary>
    /// Runs <paramref name="op"/> on an open connection; a lost connection or a server going down becomes a transient
    /// SOURCE_UNREACHABLE or TARGET_UNREACHABLE (the caller may retry; the next call reconnects).
    /// </summary>
    private async Task<T> GuardAsync<T>(Func<NpgsqlConnection, Task<T>> op, CancellationToken ct)
    {
        var conn = await ConnAsync(ct).ConfigureAwait(false);
        try
        {
            return await op(conn).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (IsConnectionLost(ex, conn))
        {
            throw new CutoverException(UnreachableCode(_role), $"lost the connection to {_role} {Display}: {Reason(ex, _settings)}", isTransient: true, ex);
        }
    }

    private async Task GuardAsync(Func<NpgsqlConnection, Task> op, CancellationToken ct) =>
        await GuardAsync(async c => { await op(c).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false);

    /// <summary>
    /// Connection refused or reset, admin/crash shutdown (57P01, 57P02), a server starting up (57P03), connection
    /// errors (08xxx), Npgsql's other transient errors, or any error that left the connection broken.
    /// </summary>
    internal static bool IsConnectionLost(NpgsqlException ex, NpgsqlConnection? conn) =>
        ex.IsTransient
        || (ex is PostgresException pg && (pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03"))
        || (conn is not null && conn.State != System.Data.ConnectionState.Open);

    public Task<DatabaseSchema> InspectAsync(CancellationToken ct) => GuardAsync(conn => PostgreSqlInspector.InspectAsync(conn, ct), ct);

    public Task<long> CountAsync(string table, CancellationToken ct) => GuardAsync(async conn =>
    {
        await using var cmd = new NpgsqlCommand($"SELECT COUNT(*) FROM {PgSql.Quote(table)}", conn);
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }, ct);

    public async IAsyncEnumerable<object?[]> ReadAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        // A rowid key is the rowid column a SQLite rowid table was copied into (PostgreSqlDdl.RowidColumn): read like any key.
        var types = await GuardAsync(_ => ColumnTypesAsync(request.Table, ct), ct).ConfigureAwait(false);
        var select = SelectList(request.Columns, types);
        var readers = PgValues.Readers(request.Columns.Select(c => TypeOf(types, c)).ToList());
        var from = PgSql.Quote(request.Table);
        var order = PgSql.QuoteList(request.Key);
        if (request.Keys is not null)
        {
            foreach (var chunk in request.Keys.Chunk(KeysPerStatement))
            {
                var page = await GuardAsync(async conn =>
                {
                    await using var cmd = conn.CreateCommand();
                    var where = PgSql.InKeys(request.Key, cmd, chunk);
                    cmd.CommandText = $"SELECT {select} FROM {from} WHERE {where} ORDER BY {order}";
                    return await ReadAllAsync(cmd, readers, ct).ConfigureAwait(false);
                }, ct).ConfigureAwait(false);
                foreach (var row in page)
                {
                    yield return row;
                }
            }
            yield break;
        }
        // Keyset pages: each page is its own short statement, so a live source is never held in one long read.
        var keyIdx = request.Key.Select(k => IndexOf(request.Columns, k)).ToArray();
        var after = request.After;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var rows = await GuardAsync(async conn =>
            {
                await using var cmd = conn.CreateCommand();
                var where = PgSql.KeyRange(request.Key, cmd, after, request.Until, request.Nulls);
                // Rows with a NULL key part cannot page (nothing sorts after NULL): they are read in one statement.
                cmd.CommandText = $"SELECT {select} FROM {from}{where} ORDER BY {order}{(request.Nulls == KeyNulls.Only ? "" : $" LIMIT {Page}")}";
                return await ReadAllAsync(cmd, readers, ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            foreach (var row in rows)
            {
                yield return row;
            }
            if (request.Nulls == KeyNulls.Only || rows.Count < Page || request.Key.Count == 0)
            {
                yield break;
            }
            var last = rows[^1];
            after = keyIdx.Select(i => last[i]).ToArray();
        }
    }

    public async Task<object?[]?> KeyAtAsync(string table, IReadOnlyList<string> key, bool keyIsRowid, long offset, bool fromEnd, CancellationToken ct)
    {
        // A rowid key is the rowid column a SQLite rowid table was copied into (PostgreSqlDdl.RowidColumn), like any key.
        var types = await GuardAsync(_ => ColumnTypesAsync(table, ct), ct).ConfigureAwait(false);
        var readers = PgValues.Readers(key.Select(c => TypeOf(types, c)).ToList());
        var rows = await GuardAsync(async conn =>
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT {string.Join(", ", key.Select(c => PgValues.SelectExpr(c, TypeOf(types, c))))} FROM {PgSql.Quote(table)} " +
                $"ORDER BY {string.Join(", ", key.Select(k => PgSql.Quote(k) + (fromEnd ? " DESC" : "")))} LIMIT 1 OFFSET {offset}";
            return await ReadAllAsync(cmd, readers, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static string? TypeOf(Dictionary<string, string> types, string column) => PgRows.TypeOf(types, column);

    /// <summary>The select list of a read: each column as itself, or as <c>::text</c> when Cutover reads its type as text.</summary>
    private static string SelectList(IReadOnlyList<string> columns, Dictionary<string, string> types) =>
        string.Join(", ", columns.Select(c => PgValues.SelectExpr(c, TypeOf(types, c))));

    /// <summary>Column name → type name (the base type for a domain), so reads know which columns to select as text.</summary>
    private async Task<Dictionary<string, string>> ColumnTypesAsync(string table, CancellationToken ct)
    {
        if (_columnTypes.TryGetValue(table, out var cached))
        {
            return cached;
        }
        var types = await PgRows.ColumnTypesAsync(_conn, null, table, ct).ConfigureAwait(false);
        if (types.Count == 0)
        {
            throw new CutoverException(ErrorCodes.TableNotFound, $"table {table} does not exist in {_role} {Display}");
        }
        _columnTypes[table] = types;
        return types;
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        throw new CutoverException(ErrorCodes.ColumnNotFound, $"key column '{name}' is not among the columns read");
    }

    private static Task<List<object?[]>> ReadAllAsync(NpgsqlCommand cmd, Func<NpgsqlDataReader, int, object?>[] readers, CancellationToken ct) =>
        PgRows.ReadAllAsync(cmd, readers, ct);

    public Task<(long NullKeys, long DuplicateKeys)> CheckKeysAsync(string table, IReadOnlyList<string> key, bool keyIsRowid, CancellationToken ct)
    {
        if (keyIsRowid || key.Count == 0)
        {
            return Task.FromResult((0L, 0L));
        }
        return GuardAsync(async conn =>
        {
            var q = PgSql.Quote(table);
            await using var cmd = new NpgsqlCommand($"SELECT COUNT(*) FROM {q} WHERE {string.Join(" OR ", key.Select(k => PgSql.Quote(k) + " IS NULL"))}", conn);
            var nulls = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            cmd.CommandText = $"SELECT COUNT(*) FROM (SELECT 1 FROM {q} GROUP BY {PgSql.QuoteList(key)} HAVING COUNT(*) > 1) d";
            var dups = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            return (nulls, dups);
        }, ct);
    }

    /// <summary>Total size (heap, indexes, TOAST) of the tables in the current schema.</summary>
    public Task<long> SizeBytesAsync(CancellationToken ct) => GuardAsync(async conn =>
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm', 'p')
            """, conn);
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }, ct);

    /// <summary>PostgreSQL does not say how much disk its server has left.</summary>
    public Task<long?> FreeBytesAsync(CancellationToken ct) => Task.FromResult<long?>(null);

    /// <summary>
    /// How far the server's standbys are behind it: the largest <c>replay_lag</c> in <c>pg_stat_replication</c> (null without
    /// standbys, or when the role may not see them). Logical walsenders (Cutover's own slot reader among them) are left out.
    /// </summary>
    public Task<TimeSpan?> ReplicaLagAsync(CancellationToken ct) => GuardAsync(async conn =>
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT extract(epoch FROM max(replay_lag))::float8 FROM pg_stat_replication
            WHERE state = 'streaming' AND application_name NOT LIKE 'cutover%'
              AND NOT EXISTS (SELECT 1 FROM pg_replication_slots s WHERE s.active_pid = pg_stat_replication.pid AND s.slot_type = 'logical')
            """, conn);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is double seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
    }, ct);

    public Task<object?> ScalarAsync(string sql, CancellationToken ct) => GuardAsync(async conn =>
    {
        // Inside a transaction that is never committed (disposing it rolls it back): a user's check query cannot
        // change the data it checks.
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) && r.FieldCount > 0 ? PgValues.Read(r, 0) : null;
    }, ct);

    public ValueTask DisposeAsync() => _conn.DisposeAsync();
}

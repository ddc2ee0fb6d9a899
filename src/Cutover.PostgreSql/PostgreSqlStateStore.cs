using System.Globalization;
using System.Runtime.CompilerServices;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Ids;
using Cutover.PostgreSql.Internal;
using Cutover.State;
using Npgsql;
using NpgsqlTypes;

namespace Cutover.PostgreSql;

/// <summary>
/// The state store in a PostgreSQL database (<c>state: postgres://…</c>): the tables of the SQLite state file, in the
/// schema <c>cutover_state</c>, every row scoped by plan name, so one database holds the state of many plans.
/// One connection (no pooling: closing it really ends the session, which releases the plan's advisory lock);
/// calls are serialized, since the copy's reader and writer tasks both touch it. A lost connection (a restarted server,
/// a terminated backend) fails the call with a transient STATE_UNREACHABLE; the next call opens a new connection and,
/// if this store held the plan's lock, takes it again first (RUN_LOCKED if another process took it meanwhile).
/// </summary>
public sealed class PostgreSqlStateStore : IStateStore
{
    public const string Schema = "cutover_state";
    private const int SchemaVersion = 1;
    private const int Page = 1000;
    private const string LockKey = "hashtext('cutover:' || @plan)";

    private readonly NpgsqlConnectionStringBuilder _settings;
    private NpgsqlConnection _conn;
    private bool _holdsPlanLock;
    private readonly string _plan;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly UlidGenerator _ids;

    private PostgreSqlStateStore(NpgsqlConnection conn, NpgsqlConnectionStringBuilder settings, string plan, string display, TimeProvider time)
    {
        _conn = conn;
        _settings = settings;
        _plan = plan;
        _time = time;
        _ids = new UlidGenerator(time);
        Display = display;
    }

    public string Display { get; }

    /// <summary>Null when <paramref name="uri"/> is a usable postgres:// URI, else what is wrong with it (password redacted).</summary>
    public static string? Problem(string uri)
    {
        try
        {
            PostgreSqlUri.Parse(uri);
            return null;
        }
        catch (CutoverException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Opens the state of plan <paramref name="planName"/>. Opening for writing creates the schema and tables when
    /// missing; a read-only open never creates anything and returns null when the database has no Cutover state.
    /// </summary>
    public static async Task<PostgreSqlStateStore?> OpenAsync(string uri, string planName, bool create, CancellationToken ct, TimeProvider? time = null)
    {
        var b = PostgreSqlUri.Parse(uri);
        b.Pooling = false;
        b.Enlist = false;
        b.ApplicationName ??= "cutover-state";
        if (!create)
        {
            b.Options = "-c default_transaction_read_only=on";
        }
        var display = PostgreSqlRedaction.Redact(uri);
        var conn = await ConnectAsync(b, display, ct).ConfigureAwait(false);
        var store = new PostgreSqlStateStore(conn, b, planName, display, time ?? TimeProvider.System);
        try
        {
            if (create)
            {
                await store.MigrateAsync(ct).ConfigureAwait(false);
            }
            else if (!await store.SchemaExistsAsync(ct).ConfigureAwait(false))
            {
                await store.DisposeAsync().ConfigureAwait(false);
                return null;
            }
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>State is needed for every step, so any failure to reach it is worth retrying (transient).</summary>
    private static async Task<NpgsqlConnection> ConnectAsync(NpgsqlConnectionStringBuilder b, string display, CancellationToken ct)
    {
        try
        {
            return await PgConnect.OpenAsync(b, ErrorCodes.StateUnreachable, $"state {display}", ct).ConfigureAwait(false);
        }
        catch (CutoverException ex) when (!ex.IsTransient)
        {
            throw new CutoverException(ex.Code, ex.Message, true, ex.InnerException);
        }
    }

    private static string Reason(NpgsqlException ex, NpgsqlConnectionStringBuilder b) => PgConnect.Reason(ex, b);

    private async Task<bool> SchemaExistsAsync(CancellationToken ct)
    {
        await using var cmd = Cmd($"SELECT to_regclass('{Schema}.runs') IS NOT NULL");
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private async Task MigrateAsync(CancellationToken ct)
    {
        await using var tx = await _conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        // Two first opens at once would race on CREATE SCHEMA; this transaction-scoped lock makes them take turns.
        await using (var cmd = Cmd("SELECT pg_advisory_xact_lock(hashtext('cutover:state-schema'))"))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using (var cmd = Cmd($"""
            CREATE SCHEMA IF NOT EXISTS {Schema};
            CREATE TABLE IF NOT EXISTS {Schema}.meta (key text PRIMARY KEY, value text);
            CREATE TABLE IF NOT EXISTS {Schema}.runs (
              plan text NOT NULL, id text NOT NULL, plan_name text NOT NULL, plan_hash text NOT NULL, phase text NOT NULL,
              status text NOT NULL, started_at text NOT NULL, updated_at text NOT NULL, finished_at text,
              error_code text, error_message text, active_seconds double precision NOT NULL DEFAULT 0, PRIMARY KEY (plan, id));
            CREATE TABLE IF NOT EXISTS {Schema}.progress (
              plan text NOT NULL, run_id text NOT NULL, entity text NOT NULL, seq bigint GENERATED ALWAYS AS IDENTITY,
              total bigint NOT NULL, read bigint NOT NULL, written bigint NOT NULL, rejected bigint NOT NULL, checkpoint text,
              in_flight integer NOT NULL, status text NOT NULL, seconds double precision NOT NULL, range_end text, PRIMARY KEY (plan, run_id, entity));
            ALTER TABLE {Schema}.progress ADD COLUMN IF NOT EXISTS range_end text;
            CREATE TABLE IF NOT EXISTS {Schema}.failures (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, plan text NOT NULL, run_id text NOT NULL, entity text NOT NULL,
              key text NOT NULL, code text NOT NULL, message text NOT NULL, at text NOT NULL, resolved_at text,
              UNIQUE (plan, entity, key));
            CREATE TABLE IF NOT EXISTS {Schema}.idmap (
              plan text NOT NULL, entity text NOT NULL, old_kind smallint NOT NULL, old_int bigint NOT NULL,
              old_text text COLLATE "C" NOT NULL, new_key text NOT NULL,
              PRIMARY KEY (plan, entity, old_kind, old_int, old_text), UNIQUE (plan, entity, new_key));
            CREATE TABLE IF NOT EXISTS {Schema}.backups (
              plan text NOT NULL, id text NOT NULL, run_id text NOT NULL, role text NOT NULL, store text NOT NULL, path text NOT NULL,
              sha256 text NOT NULL, bytes bigint NOT NULL, existed boolean NOT NULL, created_at text NOT NULL, verified_at text,
              PRIMARY KEY (plan, id));
            ALTER TABLE {Schema}.backups ADD COLUMN IF NOT EXISTS tables text, ADD COLUMN IF NOT EXISTS new_tables text, ADD COLUMN IF NOT EXISTS skipped text;
            CREATE TABLE IF NOT EXISTS {Schema}.control (plan text NOT NULL, key text NOT NULL, value text, PRIMARY KEY (plan, key));
            CREATE TABLE IF NOT EXISTS {Schema}.audit (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, plan text NOT NULL, at text NOT NULL, actor text NOT NULL,
              action text NOT NULL, detail text NOT NULL);
            CREATE INDEX IF NOT EXISTS audit_plan ON {Schema}.audit (plan, id);
            CREATE TABLE IF NOT EXISTS {Schema}.conflicts (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, plan text NOT NULL, entity text NOT NULL, key text NOT NULL,
              kind text NOT NULL, failed_side text, error text, fields text NOT NULL, at text NOT NULL, resolution text, resolved_at text);
            CREATE INDEX IF NOT EXISTS conflicts_plan ON {Schema}.conflicts (plan, id);
            INSERT INTO {Schema}.meta (key, value) VALUES ('schema_version', '{SchemaVersion}') ON CONFLICT DO NOTHING;
            INSERT INTO {Schema}.control (plan, key, value) VALUES (@plan, 'authority', 'source'), (@plan, 'maintenance', 'off'), (@plan, 'stage', 'legacy')
              ON CONFLICT DO NOTHING;
            """))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the plan's session-level advisory lock, <c>pg_advisory_lock(hashtext('cutover:' || plan))</c>, waiting up to
    /// 3 seconds, or throws <see cref="ErrorCodes.RunLocked"/>. Held until this store closes; the server drops it when the session ends,
    /// process death included.
    /// </summary>
    public Task LockPlanAsync(CancellationToken ct) => Locked(async () =>
    {
        await TakePlanLockAsync(ct).ConfigureAwait(false);
        _holdsPlanLock = true;
        return 0;
    }, ct);

    private async Task TakePlanLockAsync(CancellationToken ct)
    {
        // Wait a little rather than try once: a session that just closed keeps the lock until its server
        // backend has exited, so a run started right after another one ends would otherwise be refused.
        await using (var set = Cmd("SET lock_timeout = '3s'"))
        {
            await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        try
        {
            await using var cmd = Cmd($"SELECT pg_advisory_lock({LockKey})");
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            throw new CutoverException(ErrorCodes.RunLocked,
                $"plan '{_plan}' is already being run: another cutover process holds this plan's lock in the state database ({Display}); wait for it to finish or stop it, then try again");
        }
        finally
        {
            await using var reset = Cmd("RESET lock_timeout");
            await reset.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>True when some session holds the plan's advisory lock. Takes it for an instant when free, and gives it back.</summary>
    public Task<bool> IsPlanLockedAsync(CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"SELECT CASE WHEN pg_try_advisory_lock({LockKey}) THEN NOT pg_advisory_unlock({LockKey}) ELSE true END");
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }, ct);

    private string Now() => _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private static string Text(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>
    /// Runs <paramref name="f"/> alone on an open connection. A lost connection becomes a transient STATE_UNREACHABLE
    /// (the caller may retry); the next call reconnects.
    /// </summary>
    private async Task<T> Locked<T>(Func<Task<T>> f, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await EnsureConnectedAsync(ct).ConfigureAwait(false);
            var conn = _conn;
            try
            {
                return await f().ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (PostgreSqlStore.IsConnectionLost(ex, conn))
            {
                throw new CutoverException(ErrorCodes.StateUnreachable, $"lost the connection to state {Display}: {Reason(ex, _settings)}", isTransient: true, ex);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Opens a new connection when the last one broke. The plan's advisory lock went with the old session, so a store
    /// that held it takes it again before anything else: a second migrator may have started meanwhile.
    /// </summary>
    private async Task EnsureConnectedAsync(CancellationToken ct)
    {
        if (_conn.State == System.Data.ConnectionState.Open)
        {
            return;
        }
        await _conn.DisposeAsync().ConfigureAwait(false);
        _conn = await ConnectAsync(_settings, Display, ct).ConfigureAwait(false);
        if (_holdsPlanLock)
        {
            try
            {
                await TakePlanLockAsync(ct).ConfigureAwait(false);
            }
            catch (CutoverException ex) when (ex.Code == ErrorCodes.RunLocked)
            {
                // Keep the new connection closed: no call may go on without the lock.
                await _conn.CloseAsync().ConfigureAwait(false);
                throw new CutoverException(ErrorCodes.RunLocked,
                    $"the connection to state {Display} dropped, which released the lock of plan '{_plan}', and another cutover process holds it now; this one stops so that only one runs the plan");
            }
            catch (NpgsqlException ex) when (PostgreSqlStore.IsConnectionLost(ex, _conn))
            {
                throw new CutoverException(ErrorCodes.StateUnreachable, $"lost the connection to state {Display}: {Reason(ex, _settings)}", isTransient: true, ex);
            }
        }
    }

    private Task Locked(Func<Task> f, CancellationToken ct) => Locked(async () => { await f().ConfigureAwait(false); return 0; }, ct);

    /// <summary>A command on the state connection; <c>@plan</c> is always bound to this store's plan.</summary>
    private NpgsqlCommand Cmd(string sql, params (string Name, object? Value)[] args)
    {
        var cmd = new NpgsqlCommand(sql, _conn);
        cmd.Parameters.AddWithValue("plan", _plan);
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }
        return cmd;
    }

    private async Task<int> ExecAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Cmd(sql, args);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private const string RunColumns = "id, plan_name, plan_hash, phase, status, started_at, updated_at, finished_at, error_code, error_message, active_seconds";

    public Task<RunRecord?> LatestRunAsync(CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"SELECT {RunColumns} FROM {Schema}.runs WHERE plan = @plan ORDER BY started_at DESC, id DESC LIMIT 1");
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadRun(r) : null;
    }, ct);

    private static RunRecord ReadRun(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), RunStatusText.Parse(r.GetString(4)),
        Time(r.GetString(5)), Time(r.GetString(6)), r.IsDBNull(7) ? null : Time(r.GetString(7)),
        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetDouble(10));



    public Task<RunRecord> StartRunAsync(string planName, string planHash, CancellationToken ct) => Locked(async () =>
    {
        var now = _time.GetUtcNow();
        var run = new RunRecord(_ids.Next().ToString(), planName, planHash, Phases.Preflight, RunStatus.Running, now, now, null, null, null, 0);
        await ExecAsync($"INSERT INTO {Schema}.runs (plan, {RunColumns}) VALUES (@plan, @id, @n, @h, @p, 'running', @t, @t, NULL, NULL, NULL, 0)", ct,
            ("id", run.Id), ("n", planName), ("h", planHash), ("p", run.Phase), ("t", Text(now))).ConfigureAwait(false);
        return run;
    }, ct);

    public Task UpdateRunAsync(RunRecord run, CancellationToken ct) => Locked(() => ExecAsync($"""
        UPDATE {Schema}.runs SET plan_hash = @h, phase = @p, status = @s, updated_at = @u, finished_at = @f,
          error_code = @ec, error_message = @em, active_seconds = @a WHERE plan = @plan AND id = @id
        """, ct,
        ("id", run.Id), ("h", run.PlanHash), ("p", run.Phase), ("s", RunStatusText.ToText(run.Status)), ("u", Now()),
        ("f", run.FinishedAt is { } f ? Text(f) : null), ("ec", run.ErrorCode), ("em", run.ErrorMessage), ("a", run.ActiveSeconds)), ct);

    public Task<IReadOnlyList<EntityProgress>> ProgressAsync(string runId, CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"""
            SELECT run_id, entity, total, read, written, rejected, checkpoint, in_flight, status, seconds, range_end
            FROM {Schema}.progress WHERE plan = @plan AND run_id = @r ORDER BY seq
            """, ("r", runId));
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<EntityProgress>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new EntityProgress(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetInt32(7), r.GetString(8), r.GetDouble(9), r.IsDBNull(10) ? null : r.GetString(10)));
        }
        return (IReadOnlyList<EntityProgress>)list;
    }, ct);

    public Task SaveProgressAsync(EntityProgress p, CancellationToken ct) => Locked(() => ExecAsync($"""
        INSERT INTO {Schema}.progress (plan, run_id, entity, total, read, written, rejected, checkpoint, in_flight, status, seconds, range_end)
        VALUES (@plan, @r, @e, @t, @rd, @w, @rj, @c, @f, @s, @sec, @re)
        ON CONFLICT (plan, run_id, entity) DO UPDATE SET total = @t, read = @rd, written = @w, rejected = @rj,
          checkpoint = @c, in_flight = @f, status = @s, seconds = @sec, range_end = @re
        """, ct,
        ("r", p.RunId), ("e", p.Entity), ("t", p.Total), ("rd", p.Read), ("w", p.Written), ("rj", p.Rejected),
        ("c", p.Checkpoint), ("f", p.InFlight), ("s", p.Status), ("sec", p.Seconds), ("re", p.RangeEnd)), ct);

    public Task RecordFailuresAsync(IReadOnlyList<FailureRecord> failures, CancellationToken ct) => Locked(async () =>
    {
        await using var tx = await _conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var f in failures)
        {
            await ExecAsync($"""
                INSERT INTO {Schema}.failures (plan, run_id, entity, key, code, message, at) VALUES (@plan, @r, @e, @k, @c, @m, @a)
                ON CONFLICT (plan, entity, key) DO UPDATE SET run_id = @r, code = @c, message = @m, at = @a, resolved_at = NULL
                """, ct,
                ("r", f.RunId), ("e", f.Entity), ("k", f.Key), ("c", f.Code), ("m", f.Message), ("a", Text(f.At))).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }, ct);

    public Task<IReadOnlyList<FailureRecord>> FailuresAsync(string? entity, bool unresolvedOnly, CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"""
            SELECT id, run_id, entity, key, code, message, at, resolved_at FROM {Schema}.failures
            WHERE plan = @plan AND (@e::text IS NULL OR entity = @e) {(unresolvedOnly ? "AND resolved_at IS NULL" : "")} ORDER BY id
            """);
        cmd.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Text) { Value = (object?)entity ?? DBNull.Value });
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<FailureRecord>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new FailureRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                Time(r.GetString(6)), r.IsDBNull(7) ? null : Time(r.GetString(7))));
        }
        return (IReadOnlyList<FailureRecord>)list;
    }, ct);

    public Task<long> RecordConflictAsync(ConflictRecord c, CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"INSERT INTO {Schema}.conflicts (plan, entity, key, kind, failed_side, error, fields, at) VALUES (@plan, @e, @k, @kind, @s, @err, @f, @a) RETURNING id");
        cmd.Parameters.AddWithValue("e", c.Entity);
        cmd.Parameters.AddWithValue("k", c.Key);
        cmd.Parameters.AddWithValue("kind", c.Kind);
        cmd.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Text) { Value = (object?)c.FailedSide ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("err", NpgsqlDbType.Text) { Value = (object?)c.Error ?? DBNull.Value });
        cmd.Parameters.AddWithValue("f", System.Text.Json.JsonSerializer.Serialize(c.Fields));
        cmd.Parameters.AddWithValue("a", c.At.ToString("O"));
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }, ct);

    public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"SELECT id, entity, key, kind, failed_side, error, fields, at, resolution, resolved_at FROM {Schema}.conflicts WHERE plan = @plan {(unresolvedOnly ? "AND resolved_at IS NULL" : "")} ORDER BY id");
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<ConflictRecord>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new ConflictRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), System.Text.Json.JsonSerializer.Deserialize<List<string>>(r.GetString(6)) ?? [], Time(r.GetString(7)))
            {
                Resolution = r.IsDBNull(8) ? null : r.GetString(8),
                ResolvedAt = r.IsDBNull(9) ? null : Time(r.GetString(9)),
            });
        }
        return (IReadOnlyList<ConflictRecord>)list;
    }, ct);

    public Task ResolveConflictAsync(long id, string resolution, CancellationToken ct) => Locked(() =>
        ExecAsync($"UPDATE {Schema}.conflicts SET resolution = @r, resolved_at = @t WHERE plan = @plan AND id = @id", ct, ("r", resolution), ("t", Now()), ("id", id)), ct);

    public Task ResolveFailureAsync(long id, CancellationToken ct) => Locked(() =>
        ExecAsync($"UPDATE {Schema}.failures SET resolved_at = @t WHERE plan = @plan AND id = @id", ct, ("t", Now()), ("id", id)), ct);

    /// <summary>An old key as stored: integers (any integral CLR type) as kind 0, everything else as its invariant text, kind 1.</summary>
    private static (short Kind, long Int, string Text) KeyOf(object key) => key switch
    {
        long l => (0, l, ""),
        int i => (0, i, ""),
        short s => (0, s, ""),
        sbyte b => (0, b, ""),
        byte b => (0, b, ""),
        ushort u => (0, u, ""),
        uint u => (0, u, ""),
        string s => (1, 0, s),
        _ => (1, 0, Convert.ToString(key, CultureInfo.InvariantCulture) ?? ""),
    };

    private static object KeyFrom(NpgsqlDataReader r, int kind) => r.GetInt16(kind) == 0 ? r.GetInt64(kind + 1) : r.GetString(kind + 2);

    public Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct) => Locked(async () =>
    {
        var result = new Dictionary<object, string>();
        foreach (var chunk in oldKeys.Distinct().Chunk(5000))
        {
            var keys = chunk.Select(KeyOf).ToList();
            await using var cmd = Cmd($"""
                SELECT new_key, old_kind, old_int, old_text FROM {Schema}.idmap
                WHERE plan = @plan AND entity = @e AND ((old_kind = 0 AND old_int = ANY(@ints)) OR (old_kind = 1 AND old_text = ANY(@texts)))
                """, ("e", entity));
            cmd.Parameters.Add(new NpgsqlParameter("ints", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys.Where(k => k.Kind == 0).Select(k => k.Int).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.Where(k => k.Kind == 1).Select(k => k.Text).ToArray() });
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                result[KeyFrom(r, 1)] = r.GetString(0);
            }
        }
        return result;
    }, ct);

    public Task AddIdsAsync(string entity, IReadOnlyList<KeyValuePair<object, string>> pairs, CancellationToken ct) => Locked(async () =>
    {
        if (pairs.Count == 0)
        {
            return;
        }
        // One statement per chunk, in order: ON CONFLICT DO NOTHING keeps the first mapping of a key, within a chunk too.
        foreach (var chunk in pairs.Chunk(5000))
        {
            var keys = chunk.Select(p => KeyOf(p.Key)).ToList();
            await using var cmd = Cmd($"""
                INSERT INTO {Schema}.idmap (plan, entity, old_kind, old_int, old_text, new_key)
                SELECT @plan, @e, k, i, t, n FROM unnest(@kinds, @ints, @texts, @news) WITH ORDINALITY AS u(k, i, t, n, o) ORDER BY o
                ON CONFLICT DO NOTHING
                """, ("e", entity));
            cmd.Parameters.Add(new NpgsqlParameter("kinds", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = keys.Select(k => k.Kind).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("ints", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys.Select(k => k.Int).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.Select(k => k.Text).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("news", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = chunk.Select(p => p.Value).ToArray() });
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }, ct);

    public Task<long> CountIdsAsync(string entity, CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"SELECT COUNT(*) FROM {Schema}.idmap WHERE plan = @plan AND entity = @e", ("e", entity));
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }, ct);

    /// <summary>One query over the plan's map rows of the entity (grouped by new id).</summary>
    public Task<(long Count, IReadOnlyList<string> Samples)> DuplicateNewIdsAsync(string entity, int samples, CancellationToken ct) => Locked(async () =>
    {
        var duplicates = $"SELECT new_key FROM {Schema}.idmap WHERE plan = @plan AND entity = @e GROUP BY new_key HAVING COUNT(*) > 1";
        long n;
        await using (var count = Cmd($"SELECT COUNT(*) FROM ({duplicates}) d", ("e", entity)))
        {
            n = (long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        var list = new List<string>();
        if (n > 0)
        {
            await using var cmd = Cmd($"{duplicates} ORDER BY new_key COLLATE \"C\" LIMIT @n", ("e", entity), ("n", samples));
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(r.GetString(0));
            }
        }
        return (n, (IReadOnlyList<string>)list);
    }, ct);

    /// <summary>Looked up through the unique constraint on (plan, entity, new_key), 5000 ids per statement.</summary>
    public Task<IReadOnlySet<string>> MappedNewIdsAsync(string entity, IReadOnlyCollection<string> newIds, CancellationToken ct) => Locked(async () =>
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in newIds.Distinct(StringComparer.Ordinal).Chunk(5000))
        {
            await using var cmd = Cmd($"SELECT new_key FROM {Schema}.idmap WHERE plan = @plan AND entity = @e AND new_key = ANY(@ids)", ("e", entity));
            cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = chunk });
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                found.Add(r.GetString(0));
            }
        }
        return (IReadOnlySet<string>)found;
    }, ct);

    public async IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, [EnumeratorCancellation] CancellationToken ct)
    {
        // Paged by old key (integers first, by value, then texts, bytewise) so a large map is never all in memory
        // and the gate is never held for long.
        (short Kind, long Int, string Text) after = (-1, 0, "");
        while (true)
        {
            var page = await Locked(async () =>
            {
                NpgsqlCommand cmd;
                if (oldKey is not null)
                {
                    var k = KeyOf(oldKey);
                    cmd = Cmd($"""
                        SELECT new_key, old_kind, old_int, old_text FROM {Schema}.idmap
                        WHERE plan = @plan AND entity = @e AND old_kind = @k AND old_int = @i AND old_text = @t
                        """, ("e", entity), ("k", k.Kind), ("i", k.Int), ("t", k.Text));
                }
                else
                {
                    cmd = Cmd($"""
                        SELECT new_key, old_kind, old_int, old_text FROM {Schema}.idmap
                        WHERE plan = @plan AND entity = @e AND (old_kind, old_int, old_text) > (@k, @i, @t)
                        ORDER BY old_kind, old_int, old_text LIMIT {Page}
                        """, ("e", entity), ("k", after.Kind), ("i", after.Int), ("t", after.Text));
                }
                await using (cmd)
                {
                    await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    var list = new List<(KeyValuePair<object, string> Pair, (short, long, string) Raw)>();
                    while (await r.ReadAsync(ct).ConfigureAwait(false))
                    {
                        list.Add((new(KeyFrom(r, 1), r.GetString(0)), (r.GetInt16(1), r.GetInt64(2), r.GetString(3))));
                    }
                    return list;
                }
            }, ct).ConfigureAwait(false);
            foreach (var (pair, _) in page)
            {
                yield return pair;
            }
            if (oldKey is not null || page.Count < Page)
            {
                yield break;
            }
            after = page[^1].Raw;
        }
    }

    public Task<string?> GetValueAsync(string key, CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"SELECT value FROM {Schema}.control WHERE plan = @plan AND key = @k", ("k", key));
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }, ct);

    public Task SetValueAsync(string key, string? value, CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"INSERT INTO {Schema}.control (plan, key, value) VALUES (@plan, @k, @v) ON CONFLICT (plan, key) DO UPDATE SET value = @v", ("k", key));
        cmd.Parameters.Add(new NpgsqlParameter("v", NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }, ct);

    public Task AddBackupAsync(BackupRecord b, CancellationToken ct) => Locked(() => ExecAsync($"""
        INSERT INTO {Schema}.backups (plan, id, run_id, role, store, path, sha256, bytes, existed, created_at, verified_at, tables, new_tables, skipped)
        VALUES (@plan, @id, @r, @role, @s, @p, @h, @b, @e, @c, NULL, @t::text, @n::text, @k::text)
        ON CONFLICT (plan, id) DO UPDATE SET run_id = @r, role = @role, store = @s, path = @p, sha256 = @h, bytes = @b, existed = @e,
          created_at = @c, verified_at = NULL, tables = @t::text, new_tables = @n::text, skipped = @k::text
        """, ct,
        ("id", b.Id), ("r", b.RunId), ("role", b.Role), ("s", b.Store), ("p", b.Path), ("h", b.Sha256),
        ("b", b.Bytes), ("e", b.Existed), ("c", Text(b.CreatedAt)),
        ("t", TableList.Encode(b.Tables)), ("n", TableList.Encode(b.NewTables)), ("k", b.Skipped)), ct);

    public Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"""
            SELECT id, run_id, role, store, path, sha256, bytes, existed, created_at, verified_at, tables, new_tables, skipped FROM {Schema}.backups
            WHERE plan = @plan ORDER BY created_at, id
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<BackupRecord>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new BackupRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetInt64(6), r.GetBoolean(7), Time(r.GetString(8)), r.IsDBNull(9) ? null : Time(r.GetString(9)))
            {
                Tables = r.IsDBNull(10) ? null : TableList.Decode(r.GetString(10)),
                NewTables = r.IsDBNull(11) ? null : TableList.Decode(r.GetString(11)),
                Skipped = r.IsDBNull(12) ? null : r.GetString(12),
            });
        }
        return (IReadOnlyList<BackupRecord>)list;
    }, ct);

    public Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct) => Locked(() =>
        ExecAsync($"UPDATE {Schema}.backups SET verified_at = @t WHERE plan = @plan AND id = @id", ct, ("t", Text(at)), ("id", id)), ct);

    public Task AuditAsync(string action, string detail, CancellationToken ct) => Locked(() =>
        ExecAsync($"INSERT INTO {Schema}.audit (plan, at, actor, action, detail) VALUES (@plan, @t, @a, @ac, @d)", ct,
            ("t", Now()), ("a", Environment.UserName + "@" + Environment.MachineName), ("ac", action), ("d", detail)), ct);

    public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct) => Locked(async () =>
    {
        await using var cmd = Cmd($"SELECT id, at, actor, action, detail FROM {Schema}.audit WHERE plan = @plan ORDER BY id DESC LIMIT @l", ("l", limit));
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<AuditEntry>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new AuditEntry(r.GetInt64(0), Time(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4)));
        }
        return (IReadOnlyList<AuditEntry>)list;
    }, ct);

    public async ValueTask DisposeAsync()
    {
        // Closing the (unpooled) connection ends the session, which releases the plan's advisory lock.
        await _conn.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}

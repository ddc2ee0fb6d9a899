using System.Runtime.CompilerServices;
using Cutover.Errors;
using Cutover.Ids;
using Cutover.Sqlite.Internal;
using Cutover.State;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite;

/// <summary>
/// The default state store: one SQLite file beside the plan. Calls are serialized, since the copy's
/// reader and writer tasks both touch it.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection _conn;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly UlidGenerator _ids;
    private bool _writable;

    private SqliteStateStore(SqliteConnection conn, string path, TimeProvider time)
    {
        _conn = conn;
        _time = time;
        _ids = new UlidGenerator(time);
        Display = "sqlite:" + path;
    }

    public string Display { get; }

    /// <summary>Opens (creating when <paramref name="create"/>) the state file. Read-only opens never create anything.</summary>
    public static SqliteStateStore? Open(string path, bool create, TimeProvider? time = null)
    {
        if (!create && !File.Exists(path))
        {
            return null;
        }
        if (create)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        var conn = SqliteConnections.Open(path, create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadOnly, "state");
        var store = new SqliteStateStore(conn, path, time ?? TimeProvider.System);
        if (create)
        {
            store.Migrate();
        }
        return store;
    }

    private void Migrate()
    {
        // WAL while a writer has it open (a checkpoint commit costs no fsync); back to a rollback journal on close,
        // because a database left in WAL mode makes even read-only readers (status, dry runs) create -wal/-shm files.
        Exec("PRAGMA journal_mode = WAL");
        _writable = true;
        Exec("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS runs (
              id TEXT PRIMARY KEY, plan_name TEXT NOT NULL, plan_hash TEXT NOT NULL, phase TEXT NOT NULL,
              status TEXT NOT NULL, started_at TEXT NOT NULL, updated_at TEXT NOT NULL, finished_at TEXT,
              error_code TEXT, error_message TEXT, active_seconds REAL NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS progress (
              run_id TEXT NOT NULL, entity TEXT NOT NULL, total INTEGER NOT NULL, read INTEGER NOT NULL,
              written INTEGER NOT NULL, rejected INTEGER NOT NULL, checkpoint TEXT, in_flight INTEGER NOT NULL,
              status TEXT NOT NULL, seconds REAL NOT NULL, range_end TEXT, PRIMARY KEY (run_id, entity));
            CREATE TABLE IF NOT EXISTS failures (
              id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, entity TEXT NOT NULL, key TEXT NOT NULL,
              code TEXT NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL, resolved_at TEXT);
            CREATE UNIQUE INDEX IF NOT EXISTS failures_entity_key ON failures (entity, key);
            CREATE TABLE IF NOT EXISTS idmap (
              entity TEXT NOT NULL, old_key NOT NULL, new_key TEXT NOT NULL, PRIMARY KEY (entity, old_key)) WITHOUT ROWID;
            CREATE UNIQUE INDEX IF NOT EXISTS idmap_new ON idmap (entity, new_key);
            CREATE TABLE IF NOT EXISTS backups (
              id TEXT PRIMARY KEY, run_id TEXT NOT NULL, role TEXT NOT NULL, store TEXT NOT NULL, path TEXT NOT NULL,
              sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, existed INTEGER NOT NULL, created_at TEXT NOT NULL, verified_at TEXT,
              tables TEXT, new_tables TEXT, skipped TEXT);
            CREATE TABLE IF NOT EXISTS control (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS conflicts (id INTEGER PRIMARY KEY, entity TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
              failed_side TEXT, error TEXT, fields TEXT NOT NULL, at TEXT NOT NULL, resolution TEXT, resolved_at TEXT);
            """);
        if (!HasRangeEnd())
        {
            // State files written before parallel copy (0.1.0) lack the key-range column.
            Exec("ALTER TABLE progress ADD COLUMN range_end TEXT");
        }
        AddBackupScopeColumns();
        Exec($"INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '{SchemaVersion}')");
        Exec("INSERT OR IGNORE INTO control (key, value) VALUES ('authority', 'source'), ('maintenance', 'off'), ('stage', 'legacy')");
    }

    private bool HasRangeEnd()
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM pragma_table_info('progress') WHERE name = 'range_end'";
        return (long)cmd.ExecuteScalar()! > 0;
    }

    /// <summary>A state file written before backups recorded their tables gets the (empty) columns on its next write.</summary>
    private void AddBackupScopeColumns()
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM pragma_table_info('backups') WHERE name = 'tables'";
        if ((long)cmd.ExecuteScalar()! == 0)
        {
            Exec("ALTER TABLE backups ADD COLUMN tables TEXT; ALTER TABLE backups ADD COLUMN new_tables TEXT; ALTER TABLE backups ADD COLUMN skipped TEXT");
        }
    }

    private void Exec(string sql)
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private string Now() => _time.GetUtcNow().ToString("O");

    private async Task<T> Locked<T>(Func<T> f, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return f();
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task Locked(Action f, CancellationToken ct) => Locked(() => { f(); return 0; }, ct);

    private SqliteCommand Cmd(string sql, params (string Name, object? Value)[] args)
    {
        var cmd = _conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }
        return cmd;
    }

    public Task<RunRecord?> LatestRunAsync(CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT 1");
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadRun(r) : null;
    }, ct);

    private static RunRecord ReadRun(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), RunStatusText.Parse(r.GetString(4)),
        DateTimeOffset.Parse(r.GetString(5), null, System.Globalization.DateTimeStyles.RoundtripKind),
        DateTimeOffset.Parse(r.GetString(6), null, System.Globalization.DateTimeStyles.RoundtripKind),
        r.IsDBNull(7) ? null : DateTimeOffset.Parse(r.GetString(7), null, System.Globalization.DateTimeStyles.RoundtripKind),
        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetDouble(10));



    public Task<RunRecord> StartRunAsync(string planName, string planHash, CancellationToken ct) => Locked(() =>
    {
        var now = _time.GetUtcNow();
        var run = new RunRecord(_ids.Next().ToString(), planName, planHash, Phases.Preflight, RunStatus.Running, now, now, null, null, null, 0);
        using var cmd = Cmd("INSERT INTO runs VALUES (@id, @n, @h, @p, @s, @t, @t, NULL, NULL, NULL, 0)",
            ("@id", run.Id), ("@n", planName), ("@h", planHash), ("@p", run.Phase), ("@s", "running"), ("@t", now.ToString("O")));
        cmd.ExecuteNonQuery();
        return run;
    }, ct);

    public Task UpdateRunAsync(RunRecord run, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("""
            UPDATE runs SET plan_hash = @h, phase = @p, status = @s, updated_at = @u, finished_at = @f,
              error_code = @ec, error_message = @em, active_seconds = @a WHERE id = @id
            """,
            ("@id", run.Id), ("@h", run.PlanHash), ("@p", run.Phase), ("@s", RunStatusText.ToText(run.Status)), ("@u", Now()),
            ("@f", run.FinishedAt?.ToString("O")), ("@ec", run.ErrorCode), ("@em", run.ErrorMessage), ("@a", run.ActiveSeconds));
        cmd.ExecuteNonQuery();
    }, ct);

    public Task<IReadOnlyList<EntityProgress>> ProgressAsync(string runId, CancellationToken ct) => Locked(() =>
    {
        // A state file from before parallel copy, opened read-only (status, dry run), has no range_end column: none of its rows is a range.
        var rangeEnd = HasRangeEnd() ? "range_end" : "NULL";
        using var cmd = Cmd($"SELECT run_id, entity, total, read, written, rejected, checkpoint, in_flight, status, seconds, {rangeEnd} FROM progress WHERE run_id = @r ORDER BY rowid", ("@r", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<EntityProgress>();
        while (r.Read())
        {
            list.Add(new EntityProgress(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetInt32(7), r.GetString(8), r.GetDouble(9), r.IsDBNull(10) ? null : r.GetString(10)));
        }
        return (IReadOnlyList<EntityProgress>)list;
    }, ct);

    public Task SaveProgressAsync(EntityProgress p, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("""
            INSERT INTO progress (run_id, entity, total, read, written, rejected, checkpoint, in_flight, status, seconds, range_end)
            VALUES (@r, @e, @t, @rd, @w, @rj, @c, @f, @s, @sec, @re)
            ON CONFLICT (run_id, entity) DO UPDATE SET total = @t, read = @rd, written = @w, rejected = @rj,
              checkpoint = @c, in_flight = @f, status = @s, seconds = @sec, range_end = @re
            """,
            ("@r", p.RunId), ("@e", p.Entity), ("@t", p.Total), ("@rd", p.Read), ("@w", p.Written), ("@rj", p.Rejected),
            ("@c", p.Checkpoint), ("@f", p.InFlight), ("@s", p.Status), ("@sec", p.Seconds), ("@re", p.RangeEnd));
        cmd.ExecuteNonQuery();
    }, ct);

    public Task RecordFailuresAsync(IReadOnlyList<FailureRecord> failures, CancellationToken ct) => Locked(() =>
    {
        using var tx = _conn.BeginTransaction();
        foreach (var f in failures)
        {
            using var cmd = Cmd("""
                INSERT INTO failures (run_id, entity, key, code, message, at) VALUES (@r, @e, @k, @c, @m, @a)
                ON CONFLICT (entity, key) DO UPDATE SET run_id = @r, code = @c, message = @m, at = @a, resolved_at = NULL
                """,
                ("@r", f.RunId), ("@e", f.Entity), ("@k", f.Key), ("@c", f.Code), ("@m", f.Message), ("@a", f.At.ToString("O")));
            cmd.Transaction = tx;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }, ct);

    public Task<IReadOnlyList<FailureRecord>> FailuresAsync(string? entity, bool unresolvedOnly, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd($"""
            SELECT id, run_id, entity, key, code, message, at, resolved_at FROM failures
            WHERE (@e IS NULL OR entity = @e) {(unresolvedOnly ? "AND resolved_at IS NULL" : "")} ORDER BY id
            """, ("@e", entity));
        using var r = cmd.ExecuteReader();
        var list = new List<FailureRecord>();
        while (r.Read())
        {
            list.Add(new FailureRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                DateTimeOffset.Parse(r.GetString(6), null, System.Globalization.DateTimeStyles.RoundtripKind),
                r.IsDBNull(7) ? null : DateTimeOffset.Parse(r.GetString(7), null, System.Globalization.DateTimeStyles.RoundtripKind)));
        }
        return (IReadOnlyList<FailureRecord>)list;
    }, ct);

    public Task<long> RecordConflictAsync(ConflictRecord c, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd(
            "INSERT INTO conflicts (entity, key, kind, failed_side, error, fields, at) VALUES (@e, @k, @kind, @s, @err, @f, @a) RETURNING id",
            ("@e", c.Entity), ("@k", c.Key), ("@kind", c.Kind), ("@s", c.FailedSide), ("@err", c.Error),
            ("@f", System.Text.Json.JsonSerializer.Serialize(c.Fields)), ("@a", c.At.ToString("O")));
        return (long)cmd.ExecuteScalar()!;
    }, ct);

    public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd($"SELECT id, entity, key, kind, failed_side, error, fields, at, resolution, resolved_at FROM conflicts {(unresolvedOnly ? "WHERE resolved_at IS NULL" : "")} ORDER BY id");
        using var r = cmd.ExecuteReader();
        var list = new List<ConflictRecord>();
        while (r.Read())
        {
            list.Add(new ConflictRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), System.Text.Json.JsonSerializer.Deserialize<List<string>>(r.GetString(6)) ?? [],
                DateTimeOffset.Parse(r.GetString(7), null, System.Globalization.DateTimeStyles.RoundtripKind))
            {
                Resolution = r.IsDBNull(8) ? null : r.GetString(8),
                ResolvedAt = r.IsDBNull(9) ? null : DateTimeOffset.Parse(r.GetString(9), null, System.Globalization.DateTimeStyles.RoundtripKind),
            });
        }
        return (IReadOnlyList<ConflictRecord>)list;
    }, ct);

    public Task ResolveConflictAsync(long id, string resolution, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("UPDATE conflicts SET resolution = @r, resolved_at = @t WHERE id = @id", ("@r", resolution), ("@t", Now()), ("@id", id));
        cmd.ExecuteNonQuery();
    }, ct);

    public Task ResolveFailureAsync(long id, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("UPDATE failures SET resolved_at = @t WHERE id = @id", ("@t", Now()), ("@id", id));
        cmd.ExecuteNonQuery();
    }, ct);

    public Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct) => Locked(() =>
    {
        var result = new Dictionary<object, string>();
        foreach (var chunk in oldKeys.Distinct().Chunk(500))
        {
            using var cmd = _conn.CreateCommand();
            cmd.Parameters.AddWithValue("@e", entity);
            var names = new string[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                names[i] = "@k" + i;
                cmd.Parameters.AddWithValue(names[i], chunk[i]);
            }
            cmd.CommandText = $"SELECT old_key, new_key FROM idmap WHERE entity = @e AND old_key IN ({string.Join(", ", names)})";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                result[r.GetValue(0)] = r.GetString(1);
            }
        }
        return result;
    }, ct);

    public Task AddIdsAsync(string entity, IReadOnlyList<KeyValuePair<object, string>> pairs, CancellationToken ct) => Locked(() =>
    {
        using var tx = _conn.BeginTransaction();
        using var cmd = _conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT OR IGNORE INTO idmap (entity, old_key, new_key) VALUES (@e, @o, @n)";
        var pe = cmd.Parameters.Add("@e", SqliteType.Text);
        var po = cmd.Parameters.Add("@o", SqliteType.Text);
        var pn = cmd.Parameters.Add("@n", SqliteType.Text);
        pe.Value = entity;
        foreach (var (old, @new) in pairs)
        {
            po.SqliteType = old is long ? SqliteType.Integer : SqliteType.Text;
            po.Value = old;
            pn.Value = @new;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }, ct);

    public Task<long> CountIdsAsync(string entity, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("SELECT COUNT(*) FROM idmap WHERE entity = @e", ("@e", entity));
        return (long)cmd.ExecuteScalar()!;
    }, ct);

    /// <summary>One query over the map's rows of the entity (grouped by new id).</summary>
    public Task<(long Count, IReadOnlyList<string> Samples)> DuplicateNewIdsAsync(string entity, int samples, CancellationToken ct) => Locked(() =>
    {
        const string Duplicates = "SELECT new_key FROM idmap WHERE entity = @e GROUP BY new_key HAVING COUNT(*) > 1";
        using var count = Cmd($"SELECT COUNT(*) FROM ({Duplicates})", ("@e", entity));
        var n = (long)count.ExecuteScalar()!;
        var list = new List<string>();
        if (n > 0)
        {
            using var cmd = Cmd($"{Duplicates} ORDER BY new_key LIMIT @n", ("@e", entity), ("@n", samples));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(r.GetString(0));
            }
        }
        return (n, (IReadOnlyList<string>)list);
    }, ct);

    /// <summary>Looked up through the unique index on (entity, new_key), 500 ids per statement.</summary>
    public Task<IReadOnlySet<string>> MappedNewIdsAsync(string entity, IReadOnlyCollection<string> newIds, CancellationToken ct) => Locked(() =>
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in newIds.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            using var cmd = _conn.CreateCommand();
            cmd.Parameters.AddWithValue("@e", entity);
            var names = new string[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                names[i] = "@n" + i;
                cmd.Parameters.AddWithValue(names[i], chunk[i]);
            }
            cmd.CommandText = $"SELECT new_key FROM idmap WHERE entity = @e AND new_key IN ({string.Join(", ", names)})";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                found.Add(r.GetString(0));
            }
        }
        return (IReadOnlySet<string>)found;
    }, ct);

    public async IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, [EnumeratorCancellation] CancellationToken ct)
    {
        // Paged by old key so listing a large map never holds it all in memory or holds the gate for long.
        object? after = null;
        while (true)
        {
            var page = await Locked(() =>
            {
                using var cmd = Cmd(oldKey is not null
                    ? "SELECT old_key, new_key FROM idmap WHERE entity = @e AND old_key = @k"
                    : "SELECT old_key, new_key FROM idmap WHERE entity = @e AND (@a IS NULL OR old_key > @a) ORDER BY old_key LIMIT 1000",
                    ("@e", entity), ("@k", oldKey), ("@a", after));
                using var r = cmd.ExecuteReader();
                var list = new List<KeyValuePair<object, string>>();
                while (r.Read())
                {
                    list.Add(new(r.GetValue(0), r.GetString(1)));
                }
                return list;
            }, ct).ConfigureAwait(false);
            foreach (var kv in page)
            {
                yield return kv;
            }
            if (oldKey is not null || page.Count < 1000)
            {
                yield break;
            }
            after = page[^1].Key;
        }
    }

    public Task<string?> GetValueAsync(string key, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("SELECT value FROM control WHERE key = @k", ("@k", key));
        return cmd.ExecuteScalar() as string;
    }, ct);

    public Task SetValueAsync(string key, string? value, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("INSERT INTO control (key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = @v", ("@k", key), ("@v", value));
        cmd.ExecuteNonQuery();
    }, ct);

    public Task AddBackupAsync(BackupRecord b, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("""
            INSERT OR REPLACE INTO backups (id, run_id, role, store, path, sha256, bytes, existed, created_at, verified_at, tables, new_tables, skipped)
            VALUES (@id, @r, @role, @s, @p, @h, @b, @e, @c, NULL, @t, @n, @k)
            """,
            ("@id", b.Id), ("@r", b.RunId), ("@role", b.Role), ("@s", b.Store), ("@p", b.Path), ("@h", b.Sha256),
            ("@b", b.Bytes), ("@e", b.Existed ? 1 : 0), ("@c", b.CreatedAt.ToString("O")),
            ("@t", TableList.Encode(b.Tables)), ("@n", TableList.Encode(b.NewTables)), ("@k", b.Skipped));
        cmd.ExecuteNonQuery();
    }, ct);

    public Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("SELECT * FROM backups ORDER BY created_at, id");
        using var r = cmd.ExecuteReader();
        var list = new List<BackupRecord>();
        while (r.Read())
        {
            list.Add(new BackupRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetInt64(6), r.GetInt64(7) != 0, DateTimeOffset.Parse(r.GetString(8), null, System.Globalization.DateTimeStyles.RoundtripKind),
                r.IsDBNull(9) ? null : DateTimeOffset.Parse(r.GetString(9), null, System.Globalization.DateTimeStyles.RoundtripKind))
            {
                // A state file opened read-only may predate these columns.
                Tables = r.FieldCount > 10 && !r.IsDBNull(10) ? TableList.Decode(r.GetString(10)) : null,
                NewTables = r.FieldCount > 11 && !r.IsDBNull(11) ? TableList.Decode(r.GetString(11)) : null,
                Skipped = r.FieldCount > 12 && !r.IsDBNull(12) ? r.GetString(12) : null,
            });
        }
        return (IReadOnlyList<BackupRecord>)list;
    }, ct);

    public Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("UPDATE backups SET verified_at = @t WHERE id = @id", ("@t", at.ToString("O")), ("@id", id));
        cmd.ExecuteNonQuery();
    }, ct);

    public Task AuditAsync(string action, string detail, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("INSERT INTO audit (at, actor, action, detail) VALUES (@t, @a, @ac, @d)",
            ("@t", Now()), ("@a", Environment.UserName + "@" + Environment.MachineName), ("@ac", action), ("@d", detail));
        cmd.ExecuteNonQuery();
    }, ct);

    public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct) => Locked(() =>
    {
        using var cmd = Cmd("SELECT id, at, actor, action, detail FROM audit ORDER BY id DESC LIMIT @l", ("@l", limit));
        using var r = cmd.ExecuteReader();
        var list = new List<AuditEntry>();
        while (r.Read())
        {
            list.Add(new AuditEntry(r.GetInt64(0), DateTimeOffset.Parse(r.GetString(1), null, System.Globalization.DateTimeStyles.RoundtripKind), r.GetString(2), r.GetString(3), r.GetString(4)));
        }
        return (IReadOnlyList<AuditEntry>)list;
    }, ct);

    public ValueTask DisposeAsync()
    {
        if (_writable)
        {
            SqliteJournal.TrySet(_conn, "DELETE");
        }
        _conn.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}

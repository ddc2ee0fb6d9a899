using Cutover.Connectors;
using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Cutover.Schema;
using Cutover.Values;
using Npgsql;
using NpgsqlTypes;

namespace Cutover.PostgreSql;

/// <summary>Creating tables, writing batches, deleting keys, finishing sequences.</summary>
internal sealed partial class PostgreSqlStore
{
    private NpgsqlConnection WriteConn
    {
        get
        {
            if (_readOnly)
            {
                throw new InvalidOperationException($"{_role} was opened read-only; this is a bug in Cutover");
            }
            return _conn;
        }
    }

    /// <summary>Writable means: not a standby, and the role may create tables in the current schema (TEMP tables are not enough).</summary>
    public Task CheckWritableAsync(CancellationToken ct) => GuardAsync(async conn =>
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT current_schema(), current_schema() IS NOT NULL AND has_schema_privilege(current_schema(), 'CREATE'), pg_is_in_recovery()", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        if (r.IsDBNull(0))
        {
            throw new CutoverException(ErrorCodes.TargetNotWritable, $"target {Display} has no schema on its search_path to create tables in");
        }
        var schema = r.GetString(0);
        if (r.GetBoolean(2))
        {
            throw new CutoverException(ErrorCodes.TargetNotWritable, $"target {Display} is a read-only standby; point target: at the primary");
        }
        if (!r.GetBoolean(1))
        {
            throw new CutoverException(ErrorCodes.TargetNotWritable,
                $"the role of target {Display} cannot create tables in schema {schema}; GRANT CREATE ON SCHEMA {PgSql.Quote(schema)} to it");
        }
    }, ct);

    public Task<bool> TableExistsAsync(string table, CancellationToken ct) => GuardAsync(async conn =>
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = current_schema() AND c.relname = @t AND c.relkind IN ('r', 'p'))
            """, conn);
        cmd.Parameters.AddWithValue("t", table);
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }, ct);

    public string DescribeCreate(TargetTable table) => PostgreSqlDdl.CreateTable(table);

    /// <summary>Drop (when replacing) and create in one transaction, so a retry after a lost connection finds either the old table or the new one.</summary>
    public Task CreateTableAsync(TargetTable table, bool replace, CancellationToken ct)
    {
        var ddl = PostgreSqlDdl.CreateTable(table);
        _ = WriteConn; // read-only guard
        return GuardAsync(conn => CreateTableCoreAsync(conn, table, ddl, replace, ct), ct);
    }

    private async Task CreateTableCoreAsync(NpgsqlConnection conn, TargetTable table, string ddl, bool replace, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("", conn, tx);
        if (replace)
        {
            cmd.CommandText = $"DROP TABLE IF EXISTS {PgSql.Quote(table.Name)}";
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        cmd.CommandText = ddl;
        try
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedObject)
        {
            // A PostgreSQL source's own type (an enum, a domain, an extension's type) that the target does not have.
            throw new CutoverException(ErrorCodes.UnsupportedSchema,
                $"table \"{table.Name}\" cannot be created in target {Display}: {ex.MessageText}; create the type there first, or choose a type in the plan (columns: {{ COLUMN: {{ type: text }} }})");
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        _columnTypes.Remove(table.Name);
        _keyed.Remove(table.Name);
    }

    /// <summary>Numbers in numeric columns come back as exact decimals, and so on: see <see cref="PgValues.AsStored"/>.</summary>
    public object?[] AsStored(TargetTable table, object?[] row)
    {
        var columns = _mapped.GetValue(table, PostgreSqlDdl.Columns);
        object?[]? copy = null;
        for (var i = 0; i < row.Length && i < columns.Count; i++)
        {
            var v = PgValues.AsStored(columns[i], row[i]);
            if (!ReferenceEquals(v, row[i]))
            {
                copy ??= (object?[])row.Clone();
                copy[i] = v;
            }
        }
        return copy ?? row;
    }

    /// <summary>
    /// What <see cref="PgValues.AsStored"/> changes: numbers and text in a numeric column, integers in a double precision
    /// column, text in a uuid or char(n) column. A table whose columns cannot be mapped keeps nothing.
    /// </summary>
    public bool KeepsAsStored(TargetTable table, int index, ValueKinds kinds)
    {
        IReadOnlyList<PgColumn> columns;
        try
        {
            columns = _mapped.GetValue(table, PostgreSqlDdl.Columns);
        }
        catch (CutoverException)
        {
            return false;
        }
        if (index < 0 || index >= columns.Count)
        {
            return false;
        }
        return columns[index].DbType switch
        {
            NpgsqlDbType.Numeric => (kinds & ~(ValueKinds.Null | ValueKinds.Numeric)) == 0,
            NpgsqlDbType.Double => !kinds.HasFlag(ValueKinds.Integer),
            NpgsqlDbType.Uuid or NpgsqlDbType.Char => !kinds.HasFlag(ValueKinds.Text),
            _ => true,
        };
    }

    /// <summary>The primary key (when the copy ran without it) and secondary indexes, built after the copy. What exists (a resumed run) is left as it is.</summary>
    public Task CreateIndexesAsync(TargetTable table, CancellationToken ct) => GuardAsync(_ => RunDdlAsync(table, PostgreSqlDdl.CreateIndexes(table), ct), ct);

    /// <summary>Foreign keys, once every table has its keys. PostgreSQL checks every row as it adds one.</summary>
    public Task CreateForeignKeysAsync(TargetTable table, CancellationToken ct) => GuardAsync(_ => RunDdlAsync(table, PostgreSqlDdl.CreateForeignKeys(table), ct), ct);

    private async Task RunDdlAsync(TargetTable table, IEnumerable<(string What, string Name, bool IsConstraint, string Sql)> statements, CancellationToken ct)
    {
        // Keys and indexes are built by sorting the whole table; PostgreSQL's default of 64 MB for that spills millions of
        // keys to disk. This session asks for 256 MB unless the server is set higher (per job, for the build only).
        await using (var mem = new NpgsqlCommand(
            "SELECT set_config('maintenance_work_mem', '256MB', false) FROM pg_settings WHERE name = 'maintenance_work_mem' AND setting::bigint < 262144", WriteConn))
        {
            await mem.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        foreach (var (what, name, isConstraint, sql) in statements)
        {
            await using var cmd = new NpgsqlCommand("", WriteConn);
            if (isConstraint)
            {
                // A table written into as it was may have its primary key under another name: any primary key counts.
                cmd.CommandText = """
                    SELECT EXISTS (SELECT 1 FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                                   WHERE n.nspname = current_schema() AND c.relname = @t AND (con.conname = @n OR (@pk AND con.contype = 'p')))
                    """;
                cmd.Parameters.AddWithValue("t", table.Name);
                cmd.Parameters.AddWithValue("n", name);
                cmd.Parameters.AddWithValue("pk", what == "primary key");
                if ((bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
                {
                    continue;
                }
                cmd.Parameters.Clear();
            }
            cmd.CommandText = sql;
            try
            {
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                throw new CutoverException(ErrorCodes.ConstraintViolation,
                    $"{what} {name} on {table.Name} cannot be added: {ex.MessageText}{(ex.Detail is { Length: > 0 } d ? " (" + d + ")" : "")}");
            }
            _keyed.Remove(table.Name);
        }
    }

    /// <summary>
    /// True when the table has a primary key or unique index on exactly its key columns, so an upsert can use ON CONFLICT.
    /// During a copy that builds the key afterwards it has none, and an upsert deletes the batch's keys and inserts instead.
    /// </summary>
    private async Task<bool> IsKeyedAsync(TargetTable table, CancellationToken ct)
    {
        if (_keyed.TryGetValue(table.Name, out var known))
        {
            return known;
        }
        await using var cmd = new NpgsqlCommand(
            """
            SELECT EXISTS (
              SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = current_schema() AND c.relname = @t AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
                AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY (i.indkey))
                    = (SELECT array_agg(k ORDER BY k) FROM unnest(@k::text[]) k))
            """, WriteConn);
        cmd.Parameters.AddWithValue("t", table.Name);
        cmd.Parameters.AddWithValue("k", table.Key.ToArray());
        var keyed = (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        // Only "keyed" is remembered: another job's connection may build the key at any time.
        if (keyed)
        {
            _keyed[table.Name] = true;
        }
        return keyed;
    }

    /// <summary>One transaction per batch. A lost connection fails it as a transient TARGET_UNREACHABLE; the next call reconnects.</summary>
    public Task<WriteResult> WriteBatchAsync(TargetTable table, IReadOnlyList<object?[]> rows, WriteMode mode, bool stopOnFirstFailure, CancellationToken ct)
    {
        _ = WriteConn; // read-only guard
        return GuardAsync(async conn =>
        {
            var keyed = mode == WriteMode.Insert || table.Key.Count == 0 || await IsKeyedAsync(table, ct).ConfigureAwait(false);
            return await PostgreSqlBatchWriter.WriteAsync(conn, table, PostgreSqlDdl.Columns(table), rows, mode, keyed, stopOnFirstFailure, ct).ConfigureAwait(false);
        }, ct);
    }

    /// <summary>
    /// Always 0: foreign keys are added after the copy by <see cref="CreateIndexesAsync"/>, and PostgreSQL checks every
    /// existing row when it adds one, so a violation fails that step instead of being counted here.
    /// </summary>
    public Task<long> CountForeignKeyViolationsAsync(string table, CancellationToken ct) => Task.FromResult(0L);

    public async Task DeleteKeysAsync(TargetTable table, IReadOnlyList<IReadOnlyList<object?>> keys, CancellationToken ct)
    {
        _ = WriteConn; // read-only guard
        foreach (var chunk in keys.Chunk(KeysPerStatement))
        {
            await GuardAsync(async conn =>
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = $"DELETE FROM {PgSql.Quote(table.Name)} WHERE {PgSql.InKeys(PostgreSqlDdl.KeyOf(table), cmd, chunk)}";
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Statistics for the planner, then identity and serial key columns continue after the highest copied key.</summary>
    public Task FinishTableAsync(TargetTable table, ISourceStore source, string sourceTable, CancellationToken ct) =>
        GuardAsync(_ => FinishTableCoreAsync(table, ct), ct);

    private async Task FinishTableCoreAsync(TargetTable table, CancellationToken ct)
    {
        // A freshly loaded table has no statistics until autovacuum gets to it. Without them the planner guesses that a key
        // range holds a few thousand rows and sorts the whole range for every keyset page, which made a parallel verify
        // of 1M rows twice as slow; ANALYZE reads a sample (30,000 rows by default), so it costs little.
        await using (var analyze = new NpgsqlCommand($"ANALYZE {PgSql.Quote(table.Name)}", WriteConn))
        {
            await analyze.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        foreach (var key in table.Key)
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident(@t), @c)", WriteConn);
            cmd.Parameters.AddWithValue("t", table.Name);
            cmd.Parameters.AddWithValue("c", key);
            if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not string sequence)
            {
                continue;
            }
            cmd.Parameters.Clear();
            cmd.CommandText = $"SELECT setval(@s::regclass, m) FROM (SELECT max({PgSql.Quote(key)}) AS m FROM {PgSql.Quote(table.Name)}) x WHERE m IS NOT NULL";
            cmd.Parameters.AddWithValue("s", sequence);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}

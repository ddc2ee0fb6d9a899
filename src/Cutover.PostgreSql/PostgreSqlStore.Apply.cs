using System.Globalization;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Cutover.Schema;
using Npgsql;

namespace Cutover.PostgreSql;

/// <summary>Applying captured changes: one transaction that passes Cutover's write freeze and is not captured (docs/capture.md).</summary>
internal sealed partial class PostgreSqlStore
{
    private const int ApplyRowsPerStatement = 500;

    /// <summary>
    /// One transaction: <c>SET LOCAL cutover.applying = 'on'</c> (the freeze and capture triggers let it through and record
    /// nothing), foreign keys deferred to the commit, then each entry's upserts in order (INSERT ... ON CONFLICT (key) DO
    /// UPDATE) and each entry's deletes in reverse order. Every value is converted before any SQL runs; a value the column
    /// cannot hold fails the whole apply with its table and key, and so does a constraint the changes break.
    /// </summary>
    public Task ApplyAsync(IReadOnlyList<TableChanges> changes, CancellationToken ct)
    {
        _ = WriteConn; // read-only guard
        var prepared = changes.Where(c => c.Upserts.Count > 0 || c.Deletes.Count > 0).Select(PrepareApply).ToList();
        if (prepared.Count == 0)
        {
            return Task.CompletedTask;
        }
        return GuardAsync(async conn =>
        {
            var keyed = new bool[prepared.Count];
            for (var i = 0; i < prepared.Count; i++)
            {
                keyed[i] = prepared[i].Upserts.Count == 0 || await IsKeyedAsync(prepared[i].Table, ct).ConfigureAwait(false);
            }
            await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            try
            {
                // Foreign keys Cutover creates are DEFERRABLE, so a child whose parent comes later in the batch waits for the commit.
                await using (var setup = new NpgsqlCommand("SET LOCAL cutover.applying = 'on'; SET CONSTRAINTS ALL DEFERRED", conn, tx))
                {
                    await setup.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                for (var i = 0; i < prepared.Count; i++)
                {
                    await UpsertAsync(conn, tx, prepared[i], keyed[i], ct).ConfigureAwait(false);
                }
                for (var i = prepared.Count - 1; i >= 0; i--)
                {
                    await DeleteAsync(conn, tx, prepared[i].Table.Name, prepared[i].Key, prepared[i].Deletes, ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                throw new CutoverException(ErrorCodes.ConstraintViolation,
                    $"captured changes cannot be applied to {Display}: {ex.MessageText}{(ex.Detail is { Length: > 0 } d ? " (" + d + ")" : "")}", isTransient: false, ex);
            }
        }, ct);
    }

    /// <summary>One entry, every value converted for its column: upserts as rows, deletes as key tuples.</summary>
    private sealed record PreparedChanges(TargetTable Table, IReadOnlyList<PgColumn> Columns, IReadOnlyList<PgColumn> Key, int[] KeyIndex,
        IReadOnlyList<object?[]> Upserts, IReadOnlyList<object?[]> Deletes);

    private PreparedChanges PrepareApply(TableChanges changes)
    {
        var table = changes.Table;
        var columns = _mapped.GetValue(table, PostgreSqlDdl.Columns);
        var keyNames = PostgreSqlDdl.KeyOf(table);
        if (keyNames.Count == 0)
        {
            throw new CutoverException(ErrorCodes.PlanInvalid, $"table {table.Name} has no key, so captured changes cannot be applied to it; give the entity a key (key: [...])");
        }
        var keyIndex = keyNames.Select(k => columns.ToList().FindIndex(c => c.Name == k)).ToArray();
        if (keyIndex.Any(i => i < 0))
        {
            throw new CutoverException(ErrorCodes.ColumnNotFound, $"a key column of {table.Name} is not among its columns");
        }
        var key = keyIndex.Select(i => columns[i]).ToList();
        var upserts = new List<object?[]>(changes.Upserts.Count);
        foreach (var row in changes.Upserts)
        {
            var converted = new object?[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                converted[i] = ConvertOrThrow(table, columns[i], i < row.Length ? row[i] : null, () => keyIndex.Select(k => row[k]).ToList());
            }
            upserts.Add(converted);
        }
        var deletes = new List<object?[]>(changes.Deletes.Count);
        foreach (var k in changes.Deletes)
        {
            var converted = new object?[key.Count];
            for (var i = 0; i < key.Count; i++)
            {
                converted[i] = ConvertOrThrow(table, key[i], k[i], () => k);
            }
            deletes.Add(converted);
        }
        return new PreparedChanges(table, columns, key, keyIndex, upserts, deletes);
    }

    private static object? ConvertOrThrow(TargetTable table, PgColumn column, object? value, Func<IReadOnlyList<object?>> keyOf)
    {
        var (converted, code, error) = PgValues.Convert(column, value);
        if (code is not null)
        {
            throw new CutoverException(code, $"a captured change to {table.Name} (key {Values.Value.DisplayKey(keyOf())}) cannot be applied: {error}");
        }
        return converted;
    }

    private static async Task UpsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, PreparedChanges p, bool keyed, CancellationToken ct)
    {
        if (p.Upserts.Count == 0)
        {
            return;
        }
        // ON CONFLICT DO UPDATE cannot touch one row twice in a statement: a key seen again starts the next statement, so
        // the later image wins, as it would applied row by row.
        var perStatement = Math.Max(1, Math.Min(ApplyRowsPerStatement, 30_000 / Math.Max(1, p.Columns.Count)));
        var chunk = new List<object?[]>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in p.Upserts)
        {
            var id = KeyText(p.KeyIndex.Select(i => row[i]));
            if (chunk.Count >= perStatement || !keys.Add(id))
            {
                await WriteChunkAsync(conn, tx, p, chunk, keyed, ct).ConfigureAwait(false);
                chunk.Clear();
                keys.Clear();
                keys.Add(id);
            }
            chunk.Add(row);
        }
        await WriteChunkAsync(conn, tx, p, chunk, keyed, ct).ConfigureAwait(false);
    }

    private static async Task WriteChunkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, PreparedChanges p, List<object?[]> rows, bool keyed, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (!keyed)
        {
            // No unique index on the key yet (a copy that builds it afterwards): replace by delete and insert.
            await DeleteAsync(conn, tx, p.Table.Name, p.Key, rows.Select(r => p.KeyIndex.Select(i => r[i]).ToArray()).ToList(), ct).ConfigureAwait(false);
        }
        await using var cmd = PostgreSqlBatchWriter.Statement(conn, p.Table, p.Columns, rows, keyed ? WriteMode.Upsert : WriteMode.Insert);
        cmd.Transaction = tx;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Deletes by key, each key value bound with its column's type (a uuid or numeric key compares as one).</summary>
    private static async Task DeleteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, IReadOnlyList<PgColumn> key,
        IReadOnlyList<object?[]> keys, CancellationToken ct)
    {
        foreach (var chunk in keys.Chunk(ApplyRowsPerStatement))
        {
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            var tuples = new List<string>(chunk.Length);
            for (var r = 0; r < chunk.Length; r++)
            {
                var parts = new string[key.Count];
                for (var i = 0; i < key.Count; i++)
                {
                    parts[i] = PostgreSqlBatchWriter.Bind(cmd, $"d{r}_{i}", key[i], chunk[r][i]);
                }
                tuples.Add(key.Count == 1 ? parts[0] : "(" + string.Join(", ", parts) + ")");
            }
            var lhs = key.Count == 1 ? PgSql.Quote(key[0].Name) : "(" + PgSql.QuoteList(key.Select(k => k.Name)) + ")";
            cmd.CommandText = $"DELETE FROM {PgSql.Quote(table)} WHERE {lhs} IN ({string.Join(", ", tuples)})";
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A converted key as text, to tell keys apart within one statement.</summary>
    private static string KeyText(IEnumerable<object?> key) => string.Join("\u0001", key.Select(v => v switch
    {
        null => "\u0000",
        byte[] b => "b" + Convert.ToBase64String(b),
        IFormattable f => v.GetType().Name + f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.GetType().Name + v,
    }));
}

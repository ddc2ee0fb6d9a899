using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Schema;
using Npgsql;
using NpgsqlTypes;

namespace Cutover.PostgreSql.Internal;

/// <summary>
/// Writes one batch in one transaction. Inserts go through binary COPY; upserts through multi-row
/// INSERT ... ON CONFLICT. When the fast path fails (a constraint, a bad value) the transaction is rolled back
/// and the batch is re-run row by row, each row under its own SAVEPOINT, so every bad row is reported alone
/// and the rest commit. A table whose key is built after the copy has no unique index to upsert against yet: an upsert
/// then deletes the batch's keys and inserts the rows, in the same transaction.
/// </summary>
internal static class PostgreSqlBatchWriter
{
    public static async Task<WriteResult> WriteAsync(NpgsqlConnection conn, TargetTable table, IReadOnlyList<PgColumn> columns,
        IReadOnlyList<object?[]> rows, WriteMode mode, bool keyed, bool stopOnFirstFailure, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return new WriteResult(0, []);
        }
        // Values PostgreSQL cannot hold are found before any SQL runs.
        var converted = new object?[rows.Count][];
        var rejected = new RowFailure?[rows.Count];
        var anyRejected = false;
        for (var r = 0; r < rows.Count; r++)
        {
            converted[r] = new object?[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                var (value, code, error) = PgValues.Convert(columns[i], rows[r][i]);
                if (code is not null)
                {
                    rejected[r] = new RowFailure(r, code, error!);
                    anyRejected = true;
                    break;
                }
                converted[r][i] = value;
            }
        }
        var deleteFirst = mode == WriteMode.Upsert && !keyed;
        if (deleteFirst)
        {
            mode = WriteMode.Insert;
        }
        if (!anyRejected && await TryFastAsync(conn, table, columns, converted, mode, deleteFirst, ct).ConfigureAwait(false))
        {
            return new WriteResult(rows.Count, []);
        }
        return await RowByRowAsync(conn, table, columns, converted, rejected, mode, deleteFirst, stopOnFirstFailure, ct).ConfigureAwait(false);
    }

    private static async Task<bool> TryFastAsync(NpgsqlConnection conn, TargetTable table, IReadOnlyList<PgColumn> columns,
        object?[][] rows, WriteMode mode, bool deleteFirst, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        try
        {
            if (deleteFirst)
            {
                await DeleteKeysAsync(conn, tx, table, columns, rows, ct).ConfigureAwait(false);
            }
            // Binary COPY would need numeric values as .NET decimal, which cannot hold every double, and a binary form for every
            // other type; tables with such columns use INSERT with those values as text.
            if (mode == WriteMode.Insert && !columns.Any(PgValues.ViaText))
            {
                await CopyAsync(conn, table, columns, rows, ct).ConfigureAwait(false);
            }
            else
            {
                var perStatement = Math.Max(1, Math.Min(500, 30_000 / Math.Max(1, columns.Count)));
                foreach (var chunk in rows.Chunk(perStatement))
                {
                    await using var cmd = Statement(conn, table, columns, chunk, mode);
                    cmd.Transaction = tx;
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException ex) when (IsRowsFault(ex))
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return false;
        }
    }

    private static async Task CopyAsync(NpgsqlConnection conn, TargetTable table, IReadOnlyList<PgColumn> columns, object?[][] rows, CancellationToken ct)
    {
        var sql = $"COPY {PgSql.Quote(table.Name)} ({PgSql.QuoteList(columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await conn.BeginBinaryImportAsync(sql, ct).ConfigureAwait(false);
        // Synchronous, typed writes: each only fills Npgsql's buffer (a full buffer is sent in passing), and a typed
        // Write<T> reuses the column's converter where Write(object) resolves one per value. Profiling the 1M-row
        // benchmark showed the async per-value path as the writer's largest cost.
        foreach (var row in rows)
        {
            importer.StartRow();
            for (var i = 0; i < columns.Count; i++)
            {
                var type = columns[i].DbType;
                switch (row[i])
                {
                    case null:
                        importer.WriteNull();
                        break;
                    case long l:
                        importer.Write(l, type);
                        break;
                    case double d:
                        importer.Write(d, type);
                        break;
                    case string text:
                        importer.Write(text, type);
                        break;
                    case byte[] bytes:
                        importer.Write(bytes, type);
                        break;
                    case bool b:
                        importer.Write(b, type);
                        break;
                    case var other:
                        importer.Write(other, type);
                        break;
                }
            }
        }
        await importer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static async Task<WriteResult> RowByRowAsync(NpgsqlConnection conn, TargetTable table, IReadOnlyList<PgColumn> columns,
        object?[][] rows, RowFailure?[] rejected, WriteMode mode, bool deleteFirst, bool stopOnFirstFailure, CancellationToken ct)
    {
        var failures = new List<RowFailure>();
        var written = 0;
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        for (var r = 0; r < rows.Length; r++)
        {
            var failure = rejected[r];
            if (failure is null)
            {
                await tx.SaveAsync("cutover_row", ct).ConfigureAwait(false);
                try
                {
                    if (deleteFirst)
                    {
                        await DeleteKeysAsync(conn, tx, table, columns, [rows[r]], ct).ConfigureAwait(false);
                    }
                    await using var cmd = Statement(conn, table, columns, [rows[r]], mode);
                    cmd.Transaction = tx;
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    await tx.ReleaseAsync("cutover_row", ct).ConfigureAwait(false);
                    written++;
                    continue;
                }
                catch (PostgresException ex) when (IsRowsFault(ex))
                {
                    await tx.RollbackAsync("cutover_row", ct).ConfigureAwait(false);
                    var code = ex.SqlState.StartsWith("23", StringComparison.Ordinal) ? ErrorCodes.ConstraintViolation : ErrorCodes.RowRejected;
                    failure = new RowFailure(r, code, ex.MessageText + (ex.Detail is { Length: > 0 } d ? " (" + d + ")" : ""));
                }
            }
            failures.Add(failure);
            if (stopOnFirstFailure)
            {
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                return new WriteResult(0, failures);
            }
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new WriteResult(written, failures);
    }

    /// <summary>Deletes the rows with the keys of <paramref name="rows"/> (an upsert into a table whose key is not built yet).</summary>
    private static async Task DeleteKeysAsync(NpgsqlConnection conn, NpgsqlTransaction tx, TargetTable table, IReadOnlyList<PgColumn> columns,
        IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        var key = PostgreSqlDdl.KeyOf(table);
        var keyIdx = key.Select(k => columns.ToList().FindIndex(c => c.Name == k)).ToArray();
        foreach (var chunk in rows.Chunk(500))
        {
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"DELETE FROM {PgSql.Quote(table.Name)} WHERE {PgSql.InKeys(key, cmd, chunk.Select(r => (IReadOnlyList<object?>)keyIdx.Select(i => r[i]).ToArray()).ToList())}";
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Binds <paramref name="value"/> (converted by <see cref="PgValues.Convert"/>) as parameter <paramref name="name"/> with the
    /// type of <paramref name="c"/>, and returns the SQL that stands for it.
    /// </summary>
    internal static string Bind(NpgsqlCommand cmd, string name, PgColumn c, object? value)
    {
        cmd.Parameters.Add(new NpgsqlParameter(name, PgValues.ViaText(c) ? NpgsqlDbType.Text : c.DbType) { Value = value ?? DBNull.Value });
        // The type name was checked when the table was mapped (PostgreSqlDdl.Columns); it is never plan text.
        return c.DbType switch
        {
            NpgsqlDbType.Numeric => $"@{name}::numeric",
            NpgsqlDbType.Unknown => $"CAST(@{name} AS {c.PgType})",
            _ => "@" + name,
        };
    }

    /// <summary>INSERT (or upsert) of <paramref name="rows"/> with every value bound with its column's type.</summary>
    internal static NpgsqlCommand Statement(NpgsqlConnection conn, TargetTable table, IReadOnlyList<PgColumn> columns, IReadOnlyList<object?[]> rows, WriteMode mode)
    {
        var cmd = conn.CreateCommand();
        var tuples = new List<string>(rows.Count);
        var p = 0;
        foreach (var row in rows)
        {
            var names = new string[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                names[i] = Bind(cmd, "p" + p++, columns[i], row[i]);
            }
            tuples.Add("(" + string.Join(", ", names) + ")");
        }
        var sql = $"INSERT INTO {PgSql.Quote(table.Name)} ({PgSql.QuoteList(columns.Select(c => c.Name))}) VALUES {string.Join(", ", tuples)}";
        var key = PostgreSqlDdl.KeyOf(table);
        if (mode == WriteMode.Upsert && key.Count > 0)
        {
            var keySet = new HashSet<string>(key, StringComparer.Ordinal);
            var updates = columns.Where(c => !keySet.Contains(c.Name)).Select(c => $"{PgSql.Quote(c.Name)} = EXCLUDED.{PgSql.Quote(c.Name)}").ToList();
            sql += $" ON CONFLICT ({PgSql.QuoteList(key)}) " + (updates.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", updates));
        }
        cmd.CommandText = sql;
        return cmd;
    }

    /// <summary>
    /// True when the rows are at fault (constraints, bad data), so retrying row by row finds them. Connection loss,
    /// disk full, serialization failures and server errors are not: they fail the batch, which is retried whole.
    /// </summary>
    private static bool IsRowsFault(PostgresException ex) =>
        ex.SqlState[..2] is not ("08" or "40" or "53" or "54" or "57" or "58" or "XX" or "42" or "25");
}

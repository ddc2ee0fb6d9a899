using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Schema;
using Cutover.Values;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Cutover.Sqlite.Internal;

/// <summary>
/// Writes one batch in one transaction. Statements are prepared once per batch and bound by position through
/// SQLite's own API (binding by name through ADO.NET cost more than the inserts themselves). Full chunks go in
/// multi-row INSERTs; a chunk SQLite refuses is re-run row by row (SQLite undoes only the failed statement), so
/// each bad row is still found and reported alone while the rest of the batch commits.
/// </summary>
internal static class SqliteBatchWriter
{
    private const int SqliteDone = 101;
    private const int SqliteConstraint = 19;
    private const int SqliteMismatch = 20;
    private const int SqliteTooBig = 18;

    /// <summary>Rows per multi-row INSERT, kept well inside SQLite's 32766-parameter limit.</summary>
    private const int MaxRowsPerStatement = 64;

    public static WriteResult Write(SqliteConnection conn, TargetTable table, IReadOnlyList<object?[]> rows, WriteMode mode, bool stopOnFirstFailure)
    {
        var width = table.Columns.Count + (table.KeyIsRowid ? 1 : 0);
        var failures = new List<RowFailure>();
        var written = 0;
        var db = conn.Handle!;
        using var tx = conn.BeginTransaction();
        var perStatement = Math.Max(1, Math.Min(MaxRowsPerStatement, 30_000 / width));
        using var single = new Statement(db, InsertSql(table, mode, 1));
        using var multi = perStatement > 1 && rows.Count >= perStatement ? new Statement(db, InsertSql(table, mode, perStatement)) : null;
        var r = 0;
        while (r < rows.Count)
        {
            var chunkEnd = multi is not null && r + perStatement <= rows.Count ? r + perStatement : rows.Count;
            if (chunkEnd - r == perStatement && multi is not null && multi.Run(rows, r, perStatement, width) == SqliteDone)
            {
                written += perStatement;
                r = chunkEnd;
                continue;
            }
            for (; r < chunkEnd; r++)
            {
                var rc = single.Run(rows, r, 1, width);
                if (rc == SqliteDone)
                {
                    written++;
                    continue;
                }
                var primary = rc & 0xFF;
                if (primary is not (SqliteConstraint or SqliteMismatch or SqliteTooBig))
                {
                    // Not the row's fault (disk full, I/O, busy): the whole batch fails and is retried from the checkpoint.
                    throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
                }
                failures.Add(new RowFailure(r, primary == SqliteConstraint ? ErrorCodes.ConstraintViolation : ErrorCodes.RowRejected, single.LastError));
                if (stopOnFirstFailure)
                {
                    tx.Rollback();
                    return new WriteResult(0, failures);
                }
            }
        }
        tx.Commit();
        return new WriteResult(written, failures);
    }

    /// <summary>
    /// Upserts <paramref name="rows"/> one by one, in order, inside the caller's transaction (captured changes: the same key may
    /// come twice, and the last row wins). A row SQLite refuses fails the whole call, so the caller's transaction rolls back.
    /// </summary>
    public static void Upsert(SqliteConnection conn, TargetTable table, IReadOnlyList<object?[]> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var width = table.Columns.Count + (table.KeyIsRowid ? 1 : 0);
        var db = conn.Handle!;
        using var single = new Statement(db, InsertSql(table, WriteMode.Upsert, 1));
        for (var r = 0; r < rows.Count; r++)
        {
            var rc = single.Run(rows, r, 1, width);
            if (rc == SqliteDone)
            {
                continue;
            }
            var primary = rc & 0xFF;
            if (primary is not (SqliteConstraint or SqliteMismatch or SqliteTooBig))
            {
                throw new SqliteException(single.LastError, rc);
            }
            throw new CutoverException(primary == SqliteConstraint ? ErrorCodes.ConstraintViolation : ErrorCodes.RowRejected,
                $"{table.Name}: a captured row cannot be applied: {single.LastError}");
        }
    }

    private static string InsertSql(TargetTable table, WriteMode mode, int rowCount)
    {
        var columns = (table.KeyIsRowid ? new[] { "rowid" } : []).Concat(table.Columns.Select(c => SqliteSql.Quote(c.Name))).ToList();
        var one = "(" + string.Join(", ", Enumerable.Repeat("?", columns.Count)) + ")";
        var values = string.Join(", ", Enumerable.Repeat(one, rowCount));
        var target = SqliteSql.Quote(table.Name);
        var names = string.Join(", ", columns);
        if (mode == WriteMode.Insert)
        {
            return $"INSERT INTO {target} ({names}) VALUES {values}";
        }
        if (table.KeyIsRowid || table.Key.Count == 0)
        {
            return $"INSERT OR REPLACE INTO {target} ({names}) VALUES {values}";
        }
        var keySet = new HashSet<string>(table.Key, StringComparer.OrdinalIgnoreCase);
        var updates = table.Columns.Where(c => !keySet.Contains(c.Name)).Select(c => $"{SqliteSql.Quote(c.Name)} = excluded.{SqliteSql.Quote(c.Name)}").ToList();
        var action = updates.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", updates);
        return $"INSERT INTO {target} ({names}) VALUES {values} ON CONFLICT ({SqliteSql.QuoteList(table.Key)}) {action}";
    }

    /// <summary>
    /// A prepared statement bound by position. Values keep their storage class; invalid UTF-8 is bound as TEXT bytes; typed
    /// values as their text forms.
    /// </summary>
    private sealed class Statement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _stmt;

        public Statement(sqlite3 db, string sql)
        {
            _db = db;
            var rc = raw.sqlite3_prepare_v2(db, sql, out _stmt);
            if (rc != 0)
            {
                throw new SqliteException($"cannot prepare insert: {raw.sqlite3_errmsg(db).utf8_to_string()}", rc);
            }
        }

        public string LastError { get; private set; } = "";

        public int Run(IReadOnlyList<object?[]> rows, int start, int count, int width)
        {
            var p = 1;
            for (var r = start; r < start + count; r++)
            {
                var row = rows[r];
                for (var i = 0; i < width; i++)
                {
                    Bind(p++, row[i]);
                }
            }
            var rc = raw.sqlite3_step(_stmt);
            if (rc != SqliteDone)
            {
                LastError = raw.sqlite3_errmsg(_db).utf8_to_string();
            }
            raw.sqlite3_reset(_stmt);
            return rc;
        }

        private void Bind(int index, object? v)
        {
            _ = v switch
            {
                null => raw.sqlite3_bind_null(_stmt, index),
                long l => raw.sqlite3_bind_int64(_stmt, index, l),
                double d => raw.sqlite3_bind_double(_stmt, index, d),
                string s => raw.sqlite3_bind_text(_stmt, index, s),
                byte[] b => raw.sqlite3_bind_blob(_stmt, index, b),
                RawText t => raw.sqlite3_bind_text(_stmt, index, t.Bytes),
                // Timestamps, dates, JSON and decimals are stored in their documented text forms (docs/type-mapping.md).
                Timestamp or Date or Json or Numeric => raw.sqlite3_bind_text(_stmt, index, (string)Value.Untyped(v)!),
                _ => throw new ArgumentException($"cannot write a {v.GetType().Name} to SQLite"),
            };
        }

        public void Dispose() => _stmt.Dispose();
    }
}

using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Schema;
using Cutover.Values;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Internal;

/// <summary>
/// Writes one batch in one transaction with a prepared statement. A row SQLite refuses (constraint,
/// type mismatch) fails alone: SQLite rolls back only that statement, the rest of the batch commits.
/// </summary>
internal static class SqliteBatchWriter
{
    private const int SqliteConstraint = 19;
    private const int SqliteMismatch = 20;
    private const int SqliteTooBig = 18;

    public static WriteResult Write(SqliteConnection conn, TargetTable table, IReadOnlyList<object?[]> rows, WriteMode mode, bool stopOnFirstFailure)
    {
        var columns = (table.KeyIsRowid ? new[] { "rowid" } : []).Concat(table.Columns.Select(c => c.Name)).ToList();
        var failures = new List<RowFailure>();
        var written = 0;
        using var tx = conn.BeginTransaction();
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = InsertSql(table, columns, mode, rawTextColumns: null);
        var parameters = new SqliteParameter[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            parameters[i] = cmd.Parameters.Add("@p" + i, SqliteType.Text);
        }
        cmd.Prepare();
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            try
            {
                if (row.Any(v => v is RawText))
                {
                    WriteWithRawText(conn, tx, table, columns, mode, row);
                }
                else
                {
                    for (var i = 0; i < parameters.Length; i++)
                    {
                        SetValue(parameters[i], row[i]);
                    }
                    cmd.ExecuteNonQuery();
                }
                written++;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteConstraint or SqliteMismatch or SqliteTooBig)
            {
                failures.Add(new RowFailure(r, ex.SqliteErrorCode == SqliteConstraint ? ErrorCodes.ConstraintViolation : ErrorCodes.RowRejected, FirstLine(ex.Message)));
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

    private static void SetValue(SqliteParameter p, object? v)
    {
        // The parameter's type follows the value so SQLite stores the same storage class the source had.
        switch (v)
        {
            case null:
                p.Value = DBNull.Value;
                break;
            case long l:
                p.SqliteType = SqliteType.Integer;
                p.Value = l;
                break;
            case double d:
                p.SqliteType = SqliteType.Real;
                p.Value = d;
                break;
            case string s:
                p.SqliteType = SqliteType.Text;
                p.Value = s;
                break;
            case byte[] b:
                p.SqliteType = SqliteType.Blob;
                p.Value = b;
                break;
            default:
                p.Value = SqliteSql.Bind(v);
                break;
        }
    }

    private static void WriteWithRawText(SqliteConnection conn, SqliteTransaction tx, TargetTable table, List<string> columns, WriteMode mode, object?[] row)
    {
        var raw = new HashSet<int>(Enumerable.Range(0, row.Length).Where(i => row[i] is RawText));
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = InsertSql(table, columns, mode, raw);
        for (var i = 0; i < columns.Count; i++)
        {
            var p = cmd.Parameters.Add("@p" + i, SqliteType.Text);
            SetValue(p, row[i] is RawText t ? t.Bytes : row[i]);
        }
        cmd.ExecuteNonQuery();
    }

    private static string InsertSql(TargetTable table, List<string> columns, WriteMode mode, HashSet<int>? rawTextColumns)
    {
        var names = string.Join(", ", columns.Select((c, i) => i == 0 && table.KeyIsRowid ? "rowid" : SqliteSql.Quote(c)));
        // CAST(blob AS TEXT) keeps the exact bytes while giving them the TEXT storage class the source had.
        var values = string.Join(", ", columns.Select((_, i) => rawTextColumns?.Contains(i) == true ? $"CAST(@p{i} AS TEXT)" : "@p" + i));
        var target = SqliteSql.Quote(table.Name);
        if (mode == WriteMode.Insert)
        {
            return $"INSERT INTO {target} ({names}) VALUES ({values})";
        }
        if (table.KeyIsRowid || table.Key.Count == 0)
        {
            return $"INSERT OR REPLACE INTO {target} ({names}) VALUES ({values})";
        }
        var keySet = new HashSet<string>(table.Key, StringComparer.OrdinalIgnoreCase);
        var updates = table.Columns.Where(c => !keySet.Contains(c.Name)).Select(c => $"{SqliteSql.Quote(c.Name)} = excluded.{SqliteSql.Quote(c.Name)}").ToList();
        var action = updates.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", updates);
        return $"INSERT INTO {target} ({names}) VALUES ({values}) ON CONFLICT ({SqliteSql.QuoteList(table.Key)}) {action}";
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOf('\n', StringComparison.Ordinal);
        return (i < 0 ? s : s[..i]).Trim();
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Unicode;
using Cutover.Values;
using Cutover.Verification;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Cutover.Sqlite.Internal;

/// <summary>
/// The checksum of a key range, computed through SQLite's C API: each row's canonical encoding is written straight from
/// sqlite3_column_* into a reused buffer and hashed, with no boxed values and no .NET strings. It gives the bytes
/// <see cref="SqliteStore.ReadValue"/> and <see cref="CanonicalEncoder"/> give together: INTEGER, REAL, BLOB and NULL by
/// storage class, and TEXT as its stored bytes (valid UTF-8 decoded and encoded again is the same bytes; text that is not
/// valid UTF-8 is read as those bytes). That holds in a UTF-8 database only, which the caller checks.
/// </summary>
internal sealed class SqliteRangeChecksum(SqliteConnection conn, string table, string select, IReadOnlyList<string> keyExprs, int width, bool native)
{
    private readonly CanonicalRowWriter _writer = new();

    /// <summary>Whether <paramref name="value"/> (a key bound) can be bound as Microsoft.Data.Sqlite binds it.</summary>
    public static bool CanBind(object? value) => value is null or long or int or double or string or byte[] or RawText;

    /// <summary>
    /// Sums the rows after <paramref name="after"/> and up to <paramref name="until"/>. With <paramref name="pageRows"/>, in
    /// keyset pages of that many rows, in key order, as <see cref="SqliteStore.ReadAsync"/> reads (each page a short statement,
    /// so a live source in rollback-journal mode is never held in one long read); the key columns are at
    /// <paramref name="keyIndexes"/> among the selected ones. Without, in one statement in no particular order.
    /// </summary>
    public TableChecksum Run(IReadOnlyList<object?>? after, IReadOnlyList<object?>? until, int? pageRows, int[] keyIndexes, CancellationToken ct,
        Connectors.KeyNulls nulls = Connectors.KeyNulls.Any)
    {
        if (nulls == Connectors.KeyNulls.Only)
        {
            // Rows with a NULL key part cannot page (nothing sorts after NULL): one statement.
            pageRows = null;
        }
        var total = new TableChecksum();
        var last = pageRows is null ? null : new LastKey(keyIndexes);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            using var cmd = conn.CreateCommand();
            var where = SqliteSql.KeyRange(keyExprs, cmd, after, until, nulls);
            var sql = pageRows is { } n
                ? $"SELECT {select} FROM {SqliteSql.Quote(table)}{where} ORDER BY {string.Join(", ", keyExprs)} LIMIT {n}"
                : $"SELECT {select} FROM {SqliteSql.Quote(table)}{where}";
            var page = Statement(sql, cmd.Parameters.Cast<SqliteParameter>().ToList(), last, ct);
            total.Add(page);
            if (pageRows is null || page.Count < pageRows || last is null)
            {
                return total;
            }
            after = last.Values();
        }
    }

    /// <summary>
    /// One statement's rows. A database another connection holds locked beyond the busy timeout is tried again from the start
    /// of the statement until the connection's command timeout, as Microsoft.Data.Sqlite does for a reader.
    /// </summary>
    private TableChecksum Statement(string sql, IReadOnlyList<SqliteParameter> parameters, LastKey? last, CancellationToken ct)
    {
        var db = conn.Handle!;
        var rc = raw.sqlite3_prepare_v2(db, sql, out var stmt);
        using (stmt)
        {
            Check(rc, db);
            foreach (var p in parameters)
            {
                Check(Bind(stmt, raw.sqlite3_bind_parameter_index(stmt, p.ParameterName), p.Value), db);
            }
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var sum = new TableChecksum();
                rc = SumAll(stmt, sum, last, ct);
                if (rc == raw.SQLITE_DONE)
                {
                    return sum;
                }
                if ((rc & 0xFF) is not (raw.SQLITE_BUSY or raw.SQLITE_LOCKED) || clock.Elapsed.TotalSeconds >= conn.DefaultTimeout)
                {
                    Check(rc, db);
                }
                raw.sqlite3_reset(stmt);
                Thread.Sleep(150);
            }
        }
    }

    private int SumAll(sqlite3_stmt stmt, TableChecksum sum, LastKey? last, CancellationToken ct)
    {
        if (!native || !SqliteNative.Available)
        {
            return Sum(new RawColumns(stmt), sum, last, ct);
        }
        var added = false;
        try
        {
            stmt.DangerousAddRef(ref added);
            return Sum(new NativeColumns(stmt.DangerousGetHandle()), sum, last, ct);
        }
        finally
        {
            if (added)
            {
                stmt.DangerousRelease();
            }
        }
    }

    /// <summary>Steps through every row; returns SQLITE_DONE, or the error code that stopped it.</summary>
    private int Sum<TColumns>(TColumns c, TableChecksum sum, LastKey? last, CancellationToken ct)
        where TColumns : struct, ISqliteColumns
    {
        var w = _writer;
        int rc;
        var rows = 0;
        while ((rc = c.Step()) == raw.SQLITE_ROW)
        {
            w.BeginRow(width);
            for (var i = 0; i < width; i++)
            {
                var type = c.Type(i);
                switch (type)
                {
                    case raw.SQLITE_INTEGER:
                        w.Integer(c.Int64(i));
                        break;
                    case raw.SQLITE_FLOAT:
                        w.Real(c.Double(i));
                        break;
                    case raw.SQLITE_TEXT:
                        // The stored bytes: sqlite3_column_blob does not convert TEXT (in a UTF-8 database).
                        w.Text(c.Bytes(i));
                        break;
                    case raw.SQLITE_BLOB:
                        w.Blob(c.Bytes(i));
                        break;
                    default:
                        w.Null();
                        break;
                }
            }
            sum.Add(w);
            last?.Keep(c);
            if ((++rows & 0x3FF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
        return rc;
    }

    private static int Bind(sqlite3_stmt stmt, int index, object? value) => value switch
    {
        null or DBNull => raw.sqlite3_bind_null(stmt, index),
        long l => raw.sqlite3_bind_int64(stmt, index, l),
        int i => raw.sqlite3_bind_int64(stmt, index, i),
        double d => raw.sqlite3_bind_double(stmt, index, d),
        string s => raw.sqlite3_bind_text(stmt, index, s),
        // An empty span would bind a null pointer, which SQLite takes for NULL.
        byte[] { Length: 0 } => raw.sqlite3_bind_zeroblob(stmt, index, 0),
        byte[] b => raw.sqlite3_bind_blob(stmt, index, b),
        _ => throw new ArgumentException($"cannot bind a {value.GetType().Name}", nameof(value)),
    };

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>
    /// The key of the last row a page read, kept without boxing until the page ends, then given as the values
    /// <see cref="SqliteStore.ReadValue"/> reads (the next page's bound).
    /// </summary>
    private sealed class LastKey(int[] indexes)
    {
        private readonly int[] _types = new int[indexes.Length];
        private readonly long[] _integers = new long[indexes.Length];
        private readonly double[] _reals = new double[indexes.Length];
        private readonly byte[][] _bytes = indexes.Select(_ => new byte[16]).ToArray();
        private readonly int[] _lengths = new int[indexes.Length];

        public void Keep<TColumns>(TColumns c)
            where TColumns : struct, ISqliteColumns
        {
            for (var k = 0; k < indexes.Length; k++)
            {
                var i = indexes[k];
                switch (_types[k] = c.Type(i))
                {
                    case raw.SQLITE_INTEGER:
                        _integers[k] = c.Int64(i);
                        break;
                    case raw.SQLITE_FLOAT:
                        _reals[k] = c.Double(i);
                        break;
                    case raw.SQLITE_TEXT or raw.SQLITE_BLOB:
                        var bytes = c.Bytes(i);
                        if (_bytes[k].Length < bytes.Length)
                        {
                            _bytes[k] = new byte[Math.Max(bytes.Length, _bytes[k].Length * 2)];
                        }
                        bytes.CopyTo(_bytes[k]);
                        _lengths[k] = bytes.Length;
                        break;
                }
            }
        }

        public object?[] Values()
        {
            var values = new object?[indexes.Length];
            for (var k = 0; k < values.Length; k++)
            {
                var bytes = _bytes[k].AsSpan(0, _lengths[k]);
                values[k] = _types[k] switch
                {
                    raw.SQLITE_INTEGER => _integers[k],
                    raw.SQLITE_FLOAT => _reals[k],
                    raw.SQLITE_TEXT => Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : new RawText(bytes.ToArray()),
                    raw.SQLITE_BLOB => bytes.ToArray(),
                    _ => null,
                };
            }
            return values;
        }
    }
}

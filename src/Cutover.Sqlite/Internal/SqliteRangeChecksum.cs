using System.Diagnostics;
using Cutover.Verification;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Cutover.Sqlite.Internal;

/// <summary>
/// The checksum of one SELECT, computed through SQLitePCLRaw: each row's canonical encoding is written straight from
/// sqlite3_column_* into a reused buffer and hashed, with no boxed values and no .NET strings. It gives the bytes
/// <see cref="SqliteStore.ReadValue"/> and <see cref="CanonicalEncoder"/> give together: INTEGER, REAL, BLOB and NULL by
/// storage class, and TEXT as its stored bytes (valid UTF-8 decoded and encoded again is the same bytes; text that is not
/// valid UTF-8 is read as those bytes). That holds in a UTF-8 database only, which the caller checks.
/// </summary>
internal static class SqliteRangeChecksum
{
    /// <summary>Whether <paramref name="value"/> (a parameter of the statement) can be bound as Microsoft.Data.Sqlite binds it.</summary>
    public static bool CanBind(object? value) => value is null or DBNull or long or int or double or string or byte[];

    /// <summary>
    /// Runs <paramref name="sql"/> with <paramref name="parameters"/> bound by name and sums its <paramref name="width"/>
    /// columns per row, reading columns through <see cref="SqliteNative"/> when <paramref name="native"/> and it is available,
    /// else through SQLitePCLRaw. A database another connection holds locked beyond the busy timeout is tried again from the start
    /// until the connection's command timeout, as Microsoft.Data.Sqlite does for a reader.
    /// </summary>
    public static TableChecksum Run(SqliteConnection conn, string sql, IReadOnlyList<SqliteParameter> parameters, int width, bool native, CancellationToken ct)
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
            var writer = new CanonicalRowWriter();
            while (true)
            {
                var sum = new TableChecksum();
                rc = SumAll(stmt, width, native && SqliteNative.Available, writer, sum, ct);
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

    private static int SumAll(sqlite3_stmt stmt, int width, bool native, CanonicalRowWriter writer, TableChecksum sum, CancellationToken ct)
    {
        if (!native)
        {
            return Sum(new RawColumns(stmt), width, writer, sum, ct);
        }
        var added = false;
        try
        {
            stmt.DangerousAddRef(ref added);
            return Sum(new NativeColumns(stmt.DangerousGetHandle()), width, writer, sum, ct);
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
    private static int Sum<TColumns>(TColumns c, int width, CanonicalRowWriter w, TableChecksum sum, CancellationToken ct)
        where TColumns : struct, ISqliteColumns
    {
        int rc;
        var rows = 0;
        while ((rc = c.Step()) == raw.SQLITE_ROW)
        {
            w.BeginRow(width);
            for (var i = 0; i < width; i++)
            {
                switch (c.Type(i))
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
}

using Cutover.Connectors;
using Cutover.Sqlite.Internal;
using Cutover.Verification;

namespace Cutover.Sqlite;

/// <summary>Checksums of key ranges, computed from SQLite's own buffers.</summary>
internal sealed partial class SqliteStore
{
    private bool? _utf8;

    /// <summary>Whether checksums read columns through e_sqlite3 directly when they can (tests turn it off to cover the other way).</summary>
    internal bool NativeColumns { get; set; } = true;

    /// <summary>How many checksums went through <see cref="ReadAsync"/> instead (tests check the fast way ran).</summary>
    internal int ChecksumFallBacks { get; private set; }

    /// <summary>
    /// One statement for the whole range, in no particular order (the checksum does not depend on it), with the WHERE clause
    /// and select list of <see cref="ReadAsync"/>, hashed straight from the column values (<see cref="SqliteRangeChecksum"/>).
    /// A database whose text is not stored as UTF-8, or a bound that is not a value SQLite reads give, goes through
    /// <see cref="ReadAsync"/> instead. Runs on the caller's thread, like the store's other work.
    /// </summary>
    /// <remarks>
    /// The statement holds one read transaction for the whole range; in rollback-journal mode that keeps writers waiting
    /// until it ends (WAL mode does not), so a caller that checksums a live source keeps its ranges modest.
    /// </remarks>
    public Task<TableChecksum> ChecksumAsync(ReadRequest request, CancellationToken ct)
    {
        TableChecksum.ThrowIfKeys(request);
        if (_conn is null)
        {
            return Task.FromResult(new TableChecksum());
        }
        ct.ThrowIfCancellationRequested();
        using var cmd = Conn.CreateCommand();
        var keyExprs = request.Key.Select(k => SqliteSql.KeyExpr(k, request.KeyIsRowid)).ToList();
        var where = SqliteSql.KeyRange(keyExprs, cmd, request.After, request.Until);
        var parameters = cmd.Parameters.Cast<Microsoft.Data.Sqlite.SqliteParameter>().ToList();
        if (!IsUtf8() || !parameters.All(p => SqliteRangeChecksum.CanBind(p.Value)))
        {
            ChecksumFallBacks++;
            return TableChecksum.OfRowsAsync(ReadAsync(request, ct), ct);
        }
        var sql = $"SELECT {SelectList(request)} FROM {SqliteSql.Quote(request.Table)}{where}";
        return Task.FromResult(SqliteRangeChecksum.Run(Conn, sql, parameters, request.Columns.Count, NativeColumns, ct));
    }

    /// <summary>The columns of <paramref name="request"/> as ReadAsync selects them: <c>rowid</c> bare for a rowid key.</summary>
    private static string SelectList(ReadRequest request) =>
        string.Join(", ", request.Columns.Select(c => request.KeyIsRowid && string.Equals(c, "rowid", StringComparison.OrdinalIgnoreCase) ? "rowid" : SqliteSql.Quote(c)));

    /// <summary>Whether the database stores text as UTF-8 (a UTF-16 database's TEXT bytes are not what a read decodes).</summary>
    private bool IsUtf8()
    {
        if (_utf8 is null)
        {
            using var cmd = Conn.CreateCommand();
            cmd.CommandText = "PRAGMA encoding";
            _utf8 = cmd.ExecuteScalar() is "UTF-8";
        }
        return _utf8.Value;
    }
}

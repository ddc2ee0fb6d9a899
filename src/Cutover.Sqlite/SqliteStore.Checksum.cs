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

    /// <summary>Whether checksums read in keyset pages (null: when the database is not in WAL mode); tests set it.</summary>
    internal bool? ChecksumInPages { get; set; }

    /// <summary>Rows per keyset page of a checksum (tests make it small).</summary>
    internal int ChecksumPageRows { get; set; } = ReadPage;

    /// <summary>How many checksums went through <see cref="ReadAsync"/> instead (tests check the fast way ran).</summary>
    internal int ChecksumFallBacks { get; private set; }

    /// <summary>
    /// The range with <see cref="ReadAsync"/>'s select list and WHERE clause, hashed straight from the column values
    /// (<see cref="SqliteRangeChecksum"/>). In a WAL database, where a reader never holds up a writer, in one statement and in
    /// no particular order (the checksum does not depend on it); otherwise in <see cref="ReadAsync"/>'s keyset pages, so a
    /// live source in rollback-journal mode is never held in one long read. A database whose text is not stored as UTF-8, a
    /// bound that is not a value SQLite reads give, or a paged range whose key is not among the columns, goes through
    /// <see cref="ReadAsync"/> instead. Runs on the caller's thread, like the store's other work.
    /// </summary>
    public Task<TableChecksum> ChecksumAsync(ReadRequest request, CancellationToken ct)
    {
        TableChecksum.ThrowIfKeys(request);
        if (_conn is null)
        {
            return Task.FromResult(new TableChecksum());
        }
        ct.ThrowIfCancellationRequested();
        var paged = ChecksumInPages ?? !string.Equals(SqliteJournal.Get(Conn), "wal", StringComparison.OrdinalIgnoreCase);
        var keyIndexes = request.Key.Select(k => IndexIn(request.Columns, k)).ToArray();
        if (!IsUtf8() || (paged && keyIndexes.Any(i => i < 0))
            || !(request.After ?? []).Concat(request.Until ?? []).All(SqliteRangeChecksum.CanBind))
        {
            ChecksumFallBacks++;
            return TableChecksum.OfRowsAsync(ReadAsync(request, ct), ct);
        }
        var keyExprs = request.Key.Select(k => SqliteSql.KeyExpr(k, request.KeyIsRowid)).ToList();
        var sum = new SqliteRangeChecksum(Conn, request.Table, SelectList(request), keyExprs, request.Columns.Count, NativeColumns)
            .Run(request.After, request.Until, paged ? ChecksumPageRows : null, keyIndexes, ct, request.Nulls);
        return Task.FromResult(sum);
    }

    /// <summary>The columns of <paramref name="request"/> as ReadAsync selects them: <c>rowid</c> bare for a rowid key.</summary>
    private static string SelectList(ReadRequest request) =>
        string.Join(", ", request.Columns.Select(c => request.KeyIsRowid && string.Equals(c, "rowid", StringComparison.OrdinalIgnoreCase) ? "rowid" : SqliteSql.Quote(c)));

    private static int IndexIn(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

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

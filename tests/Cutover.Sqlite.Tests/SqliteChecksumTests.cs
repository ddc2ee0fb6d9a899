using Cutover.Connectors;
using Cutover.Sqlite.Tests.Support;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.Sqlite.Tests;

/// <summary>
/// <see cref="SqliteStore.ChecksumAsync"/> hashes rows straight from SQLite's buffers; these tests hold it to the default
/// way (every row read through ReadAsync, then <see cref="TableChecksum.Add(IReadOnlyList{object})"/>) for every kind of
/// value SQLite stores and every shape of range, through both ways of reading columns (e_sqlite3 directly, SQLitePCLRaw).
/// </summary>
public sealed class SqliteChecksumTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string Long200 = new('x', 200);
    private static readonly string Long20000 = string.Concat(Enumerable.Repeat("é日🚀", 2000));

    /// <summary>Every storage class in untyped, REAL, TEXT, BLOB and NUMERIC columns, with the values that trip encoders up.</summary>
    private string KindsDb()
    {
        var path = _dir.File("kinds.db");
        SqliteFile.Exec(path, "CREATE TABLE kinds (id INTEGER PRIMARY KEY, u, r REAL, t TEXT, b BLOB, n NUMERIC)");
        object?[][] rows =
        [
            [1L, null, null, null, null, null],
            [2L, 0L, 0.0, "", Array.Empty<byte>(), 0L],
            [3L, -1L, -0.0, "a", new byte[] { 0 }, "12"],
            [4L, long.MaxValue, 1.5, "héllo 日本 🚀 Привет", new byte[] { 0x00, 0xFF }, "1e3"],
            [5L, long.MinValue, 3L, Long200, Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(), "x1"],
            [6L, -0.0, -2.5e-308, Long20000, "text in a blob column", 2.5],
            [7L, 1.0, double.MaxValue, "\uFEFFbom first", 42L, -0.0],
            [8L, double.Epsilon, long.MaxValue, "nul\0inside", 1.25, long.MinValue],
            [9L, "\uFFFD genuine replacement character", "7", "127 chars: " + new string('y', 116), new byte[127], ""],
            [10L, new byte[128], "not a number", "128 chars: " + new string('z', 117), new byte[16384], Long200],
        ];
        SqliteFile.InsertRows(path, "kinds", ["id", "u", "r", "t", "b", "n"], rows);
        // Text that is not valid UTF-8 (truncated, a stray continuation byte, a surrogate encoded) in every column.
        SqliteFile.Exec(path, """
            INSERT INTO kinds VALUES (11, CAST(x'ff41' AS TEXT), CAST(x'68c3' AS TEXT), CAST(x'eda080' AS TEXT), CAST(x'80' AS TEXT), CAST(x'c0af' AS TEXT));
            INSERT INTO kinds VALUES (12, 'plain', 1e300, CAST(x'e697a5e6' AS TEXT), x'', 'mixed');
            """);
        return path;
    }

    private static async Task<TableChecksum> SlowAsync(ISourceStore store, ReadRequest request) =>
        await TableChecksum.OfRowsAsync(store.ReadAsync(request, CancellationToken.None), CancellationToken.None);

    /// <summary>
    /// ChecksumAsync equals the default way whichever way it reads (e_sqlite3 directly or SQLitePCLRaw; one statement, or
    /// keyset pages of 2 rows, so ranges cross many pages), and took the fast way unless <paramref name="fallBack"/>; returns
    /// the count.
    /// </summary>
    private static async Task<long> AssertSameAsync(SqliteStore store, ReadRequest request, string what = "", bool fallBack = false)
    {
        var slow = await SlowAsync(store, request);
        var fallBacks = store.ChecksumFallBacks;
        foreach (var (native, pages) in new[] { (true, false), (true, true), (false, false), (false, true) })
        {
            store.NativeColumns = native;
            store.ChecksumInPages = pages;
            store.ChecksumPageRows = 2;
            var fast = await store.ChecksumAsync(request, CancellationToken.None);
            Assert.True(slow.Hex == fast.Hex && slow.Count == fast.Count,
                $"{what} (native columns: {native}, pages: {pages}): default {slow.Hex}/{slow.Count}, fast {fast.Hex}/{fast.Count}");
        }
        store.NativeColumns = true;
        store.ChecksumInPages = null;
        store.ChecksumPageRows = 10_000;
        Assert.True(fallBack == (store.ChecksumFallBacks > fallBacks), $"{what}: fell back {store.ChecksumFallBacks - fallBacks} times");
        return slow.Count;
    }

    [Fact]
    public void Setup_KindsTable_HoldsEveryStorageClassAndInvalidUtf8()
    {
        var path = KindsDb();

        var classes = SqliteFile.Query(path, "SELECT DISTINCT typeof(u) FROM kinds UNION SELECT typeof(r) FROM kinds UNION SELECT typeof(t) FROM kinds " +
            "UNION SELECT typeof(b) FROM kinds UNION SELECT typeof(n) FROM kinds").Select(r => (string)r[0]!).Order();

        Assert.Equal(["blob", "integer", "null", "real", "text"], classes);
        Assert.Equal("real", SqliteFile.Scalar(path, "SELECT typeof(u) FROM kinds WHERE id = 6"));
        Assert.Equal(-0.0, (double)SqliteFile.Scalar(path, "SELECT u FROM kinds WHERE id = 6")!);
        Assert.True(double.IsNegative((double)SqliteFile.Scalar(path, "SELECT u FROM kinds WHERE id = 6")!));
    }

    [Fact]
    public async Task ChecksumAsync_EveryKindOfValue_EachRowEqualsDefault()
    {
        await using var store = Stores.Source(KindsDb());
        var request = Stores.Request(Stores.Table("kinds", ["id"], "id INTEGER", "u", "r", "t", "b", "n"));
        var rows = await Stores.ReadAllAsync(store, request);
        Assert.Contains(rows, r => r.Any(v => v is RawText));

        foreach (var row in rows)
        {
            var id = (long)row[0]!;
            Assert.Equal(1, await AssertSameAsync(store, request with { After = [id - 1], Until = [id] }, $"row {id}: {string.Join(", ", row.Select(Value.Display))}"));
        }
        Assert.Equal(12, await AssertSameAsync(store, request, "whole table"));
    }

    [Fact]
    public async Task ChecksumAsync_Ranges_EqualDefault()
    {
        await using var store = Stores.Source(KindsDb());
        var request = Stores.Request(Stores.Table("kinds", ["id"], "id INTEGER", "u", "r", "t", "b", "n"));

        Assert.Equal(9, await AssertSameAsync(store, request with { After = [3L] }, "after"));
        Assert.Equal(7, await AssertSameAsync(store, request with { Until = [7L] }, "until"));
        Assert.Equal(5, await AssertSameAsync(store, request with { After = [2L], Until = [7L] }, "after and until"));
        Assert.Equal(0, await AssertSameAsync(store, request with { After = [7L], Until = [7L] }, "empty"));
        Assert.Equal(0, await AssertSameAsync(store, request with { After = [9L], Until = [3L] }, "reversed"));
        Assert.Equal(0, await AssertSameAsync(store, request with { After = [100L] }, "past the end"));
        Assert.Equal(10, await AssertSameAsync(store, request with { After = [2.5] }, "real bound"));
        Assert.Equal(0, await AssertSameAsync(store, request with { After = ["text sorts after integers"] }, "text bound"));
        Assert.Equal(0, await AssertSameAsync(store, request with { After = [null] }, "null bound"));
    }

    [Fact]
    public async Task ChecksumAsync_ColumnSubsetInAnotherOrder_EqualsDefault()
    {
        await using var store = Stores.Source(KindsDb());
        var request = new ReadRequest("kinds", ["n", "t", "id"], ["id"], false);

        Assert.Equal(12, await AssertSameAsync(store, request));
    }

    [Fact]
    public async Task ChecksumAsync_ManyRowsOfMixedKinds_EqualsDefaultAcrossPages()
    {
        var path = _dir.File("many.db");
        SqliteFile.Exec(path, "CREATE TABLE many (id INTEGER PRIMARY KEY, u, r REAL, t TEXT)");
        var random = new Random(20260105);
        object? Any() => random.Next(8) switch
        {
            0 => null,
            1 => random.NextInt64(long.MinValue, long.MaxValue),
            2 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)),
            3 => new string('é', random.Next(0, 150)),
            4 => Enumerable.Range(0, random.Next(0, 200)).Select(_ => (byte)random.Next(256)).ToArray(),
            5 => -0.0,
            6 => (long)random.Next(-5, 5),
            _ => "v" + random.Next(),
        };
        SqliteFile.InsertRows(path, "many", ["id", "u", "r", "t"], Enumerable.Range(0, 25_000).Select(i => new object?[] { (long)(i * 3), Any(), Any(), Any() }));
        await using var store = Stores.Source(path);
        var request = Stores.Request(Stores.Table("many", ["id"], "id INTEGER", "u", "r", "t"));

        Assert.Equal(25_000, await AssertSameAsync(store, request, "whole"));
        Assert.Equal(15_000, await AssertSameAsync(store, request with { After = [29_999L], Until = [74_999L] }, "middle"));
    }

    [Fact]
    public async Task ChecksumAsync_RowidTable_IncludesTheRowid()
    {
        var path = _dir.File("logs.db");
        SqliteFile.Exec(path, """
            CREATE TABLE logs (msg, val REAL);
            INSERT INTO logs (rowid, msg, val) VALUES (1, 'one', 1), (3, NULL, -0.0), (7, x'07', 2.5), (100, CAST(x'fe' AS TEXT), NULL), (9007199254740993, 'big', 1e-5);
            """);
        await using var store = Stores.Source(path);
        var request = Stores.Request(Stores.Table("logs", ["rowid"], "msg", "val REAL"));
        Assert.Equal("rowid", request.Columns[0]);

        Assert.Equal(5, await AssertSameAsync(store, request, "whole"));
        Assert.Equal(2, await AssertSameAsync(store, request with { After = [3L], Until = [100L] }, "range"));
        // The rowid is part of each row: the same values under other rowids give another checksum.
        var moved = _dir.File("moved.db");
        SqliteFile.Exec(moved, """
            CREATE TABLE logs (msg, val REAL);
            INSERT INTO logs (rowid, msg, val) VALUES (2, 'one', 1), (3, NULL, -0.0), (7, x'07', 2.5), (100, CAST(x'fe' AS TEXT), NULL), (9007199254740993, 'big', 1e-5);
            """);
        await using var other = Stores.Source(moved);
        Assert.NotEqual((await store.ChecksumAsync(request, CancellationToken.None)).Hex, (await other.ChecksumAsync(request, CancellationToken.None)).Hex);
    }

    [Fact]
    public async Task ChecksumAsync_CompositeKeyRanges_CompareWholeTuples()
    {
        var path = _dir.File("comp.db");
        SqliteFile.Exec(path, """
            CREATE TABLE comp (a TEXT, b INTEGER, v, PRIMARY KEY (a, b)) WITHOUT ROWID;
            INSERT INTO comp VALUES ('a', 1, 1), ('a', 2, 2.5), ('b', 1, 'x'), ('b', 2, NULL), ('b', 3, x'00'), ('c', 1, -0.0),
                                    ('d', 1, ''), (CAST(x'ff' AS TEXT), 1, 'bad key'), (CAST(x'ff' AS TEXT), 2, 'bad key 2');
            """);
        await using var store = Stores.Source(path);
        var request = new ReadRequest("comp", ["a", "b", "v"], ["a", "b"], false);

        Assert.Equal(9, await AssertSameAsync(store, request, "whole"));
        Assert.Equal(6, await AssertSameAsync(store, request with { After = ["b", 1L] }, "after"));
        Assert.Equal(4, await AssertSameAsync(store, request with { Until = ["b", 2L] }, "until"));
        Assert.Equal(3, await AssertSameAsync(store, request with { After = ["a", 2L], Until = ["b", 3L] }, "both"));
        Assert.Equal(1, await AssertSameAsync(store, request with { After = [new RawText([0xFF]), 1L] }, "invalid UTF-8 bound"));
        Assert.Equal(0, await AssertSameAsync(store, request with { After = ["b", 3L], Until = ["b", 3L] }, "empty"));
    }

    [Fact]
    public async Task ChecksumAsync_Utf16Database_EqualsDefault()
    {
        var path = _dir.File("utf16.db");
        SqliteFile.Exec(path, """
            PRAGMA encoding = 'UTF-16le';
            CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, b BLOB);
            INSERT INTO t VALUES (1, 'héllo 日本 🚀', x'00ff'), (2, '', NULL), (3, 'plain', x'');
            """);
        Assert.Equal("UTF-16le", SqliteFile.Scalar(path, "PRAGMA encoding"));
        await using var store = Stores.Source(path);

        Assert.Equal(3, await AssertSameAsync(store, new ReadRequest("t", ["id", "s", "b"], ["id"], false), fallBack: true));
    }

    [Fact]
    public async Task ChecksumAsync_MissingFile_IsEmpty()
    {
        await using var store = Stores.Target(_dir.File("absent.db"));

        var sum = await store.ChecksumAsync(new ReadRequest("t", ["id"], ["id"], false), CancellationToken.None);

        Assert.Equal(0, sum.Count);
        Assert.Equal(new TableChecksum().Hex, sum.Hex);
    }

    [Fact]
    public async Task ChecksumAsync_Keys_Refused()
    {
        await using var store = Stores.Source(KindsDb());

        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.ChecksumAsync(new ReadRequest("kinds", ["id"], ["id"], false, Keys: [[1L]]), CancellationToken.None));
    }

    [Fact]
    public async Task ChecksumAsync_Cancelled_Throws()
    {
        await using var store = Stores.Source(KindsDb());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.ChecksumAsync(new ReadRequest("kinds", ["id"], ["id"], false), new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task ChecksumAsync_MissingTable_FailsLikeRead()
    {
        await using var store = Stores.Source(KindsDb());
        var request = new ReadRequest("absent", ["id"], ["id"], false);

        var read = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => SlowAsync(store, request));
        var sum = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => store.ChecksumAsync(request, CancellationToken.None));

        Assert.Equal(read.SqliteErrorCode, sum.SqliteErrorCode);
        Assert.Contains("no such table", sum.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChecksumAsync_KeyNotAmongColumns_OneStatementInWalElseLikeRead()
    {
        var path = KindsDb();
        var request = new ReadRequest("kinds", ["t", "b"], ["id"], false);
        await using (var store = Stores.Source(path))
        {
            // Rollback journal: pages, which need the key; ReadAsync refuses the request the same way.
            await Assert.ThrowsAsync<Errors.CutoverException>(() => store.ChecksumAsync(request, CancellationToken.None));
            Assert.Equal(1, store.ChecksumFallBacks);
        }
        SqliteFile.Exec(path, "PRAGMA journal_mode = WAL");
        await using (var store = Stores.Source(path))
        {
            var sum = await store.ChecksumAsync(request, CancellationToken.None);

            Assert.Equal(12, sum.Count);
            Assert.Equal(0, store.ChecksumFallBacks);
        }
    }

    [Fact]
    public async Task ChecksumAsync_ManyPagesWithTextAndInvalidUtf8Keys_EqualsDefault()
    {
        var path = _dir.File("textkeys.db");
        SqliteFile.Exec(path, "CREATE TABLE tk (k TEXT PRIMARY KEY, v)");
        SqliteFile.InsertRows(path, "tk", ["k", "v"], Enumerable.Range(0, 50).Select(i => new object?[] { "key " + (char)('a' + (i % 26)) + i, i % 3 == 0 ? null : (long)i }));
        SqliteFile.Exec(path, "INSERT INTO tk VALUES (CAST(x'ff01' AS TEXT), 'bad 1'), (CAST(x'ff02' AS TEXT), 'bad 2'), (CAST(x'fe' AS TEXT), 'bad 3'), ('', 'empty')");
        await using var store = Stores.Source(path);
        var request = new ReadRequest("tk", ["k", "v"], ["k"], false);

        Assert.Equal(54, await AssertSameAsync(store, request, "whole"));
        Assert.Equal(3, await AssertSameAsync(store, request with { After = ["key z999"] }, "the invalid keys sort last"));
        Assert.Equal(2, await AssertSameAsync(store, request with { After = [new RawText([0xFE])], Until = [new RawText([0xFF, 0x02])] }, "between invalid keys"));
    }
}

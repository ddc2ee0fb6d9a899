using Cutover.Connectors;
using Cutover.Sqlite.Tests.Support;
using Cutover.Values;

namespace Cutover.Sqlite.Tests;

/// <summary>Values as SQLite really stores them: storage class over declared type, BLOBs, invalid UTF-8 TEXT.</summary>
public sealed class SqliteStoreValueTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadAsync_StorageClassDiffersFromDeclaredType_ReturnsWhatSqliteStored()
    {
        var path = _dir.File("mixed.db");
        SqliteFile.Exec(path, """
            CREATE TABLE mixed (id INTEGER PRIMARY KEY, i INTEGER, t TEXT, r REAL, n NUMERIC, u);
            INSERT INTO mixed VALUES (1, 'abc', 42, 7, '12', x'00ff');
            INSERT INTO mixed VALUES (2, '12', 3.5, '1e3', 'x1', 1.5);
            INSERT INTO mixed VALUES (3, 2.5, x'41', 'not a number', 4.0, 'text');
            INSERT INTO mixed VALUES (4, NULL, NULL, 9223372036854775807, NULL, -0);
            """);
        var cols = new[] { "i", "t", "r", "n", "u" };
        var expected = SqliteFile.Query(path, "SELECT " + string.Join(", ", cols.Select(c => $"typeof({c}), {c}")) + " FROM mixed ORDER BY id");
        await using var store = Stores.Source(path);

        var rows = await Stores.ReadAllAsync(store, Stores.Request(Stores.Table("mixed", ["id"], ["id INTEGER", .. cols])));

        Assert.Equal(4, rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < cols.Length; c++)
            {
                var storageClass = (string)expected[r][2 * c]!;
                var value = rows[r][c + 1];
                Assert.Equal(storageClass, StorageClassOf(value));
                Assert.Equal(expected[r][2 * c + 1], value);
            }
        }
        // Spot checks of what affinity did, so the test documents SQLite's behaviour.
        Assert.Equal("abc", rows[0][1]);
        Assert.Equal("42", rows[0][2]);
        Assert.Equal(7.0, rows[0][3]);
        Assert.Equal(12L, rows[0][4]);
        Assert.Equal(12L, rows[1][1]);
        Assert.Equal(1000.0, rows[1][3]);
        Assert.Equal(new byte[] { 0x41 }, rows[2][2]);
        Assert.Equal(9.223372036854776E18, rows[3][3]);
    }

    [Fact]
    public async Task ReadAsync_InvalidUtf8Text_ReturnsRawTextWithExactBytes()
    {
        var path = _dir.File("bad.db");
        SqliteFile.Exec(path, """
            CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT);
            INSERT INTO t VALUES (1, CAST(x'ff41' AS TEXT)), (2, CAST(x'68c3' AS TEXT)), (3, 'ok');
            """);
        Assert.Equal("text", SqliteFile.Scalar(path, "SELECT typeof(s) FROM t WHERE id = 1"));
        await using var store = Stores.Source(path);

        var rows = await Stores.ReadAllAsync(store, Stores.Request(Stores.Table("t", ["id"], "id INTEGER", "s")));

        Assert.Equal(new byte[] { 0xFF, 0x41 }, Assert.IsType<RawText>(rows[0][1]).Bytes);
        Assert.Equal(new byte[] { 0x68, 0xC3 }, Assert.IsType<RawText>(rows[1][1]).Bytes);
        Assert.Equal("ok", rows[2][1]);
    }

    [Fact]
    public async Task ReadAsync_GenuineReplacementCharacter_StaysString()
    {
        var path = _dir.File("fffd.db");
        SqliteFile.Exec(path, "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT); INSERT INTO t VALUES (1, @p0)", "bad \uFFFD char");
        await using var store = Stores.Source(path);

        var rows = await Stores.ReadAllAsync(store, Stores.Request(Stores.Table("t", ["id"], "id INTEGER", "s")));

        Assert.Equal("bad \uFFFD char", Assert.IsType<string>(rows[0][1]));
    }

    [Theory]
    [InlineData(WriteMode.Insert)]
    [InlineData(WriteMode.Upsert)]
    public async Task WriteBatch_RawText_StoresTextWithIdenticalBytes(WriteMode mode)
    {
        var path = _dir.File("out.db");
        // "other" has no affinity (BLOB), so the other values in a RawText row must keep their own storage class.
        var table = Stores.Table("t", ["id"], "id INTEGER", "s", "other BLOB");
        await using (var target = Stores.Target(path))
        {
            await target.CreateTableAsync(table, false, CancellationToken.None);
            var result = await target.WriteBatchAsync(table,
                [[1L, new RawText([0xFF, 0x41]), "fine"], [2L, "plain", new RawText([0x80])], [3L, new RawText([]), 5L]],
                mode, false, CancellationToken.None);
            Assert.Equal(3, result.Written);
        }

        var rows = SqliteFile.Query(path, "SELECT hex(s), typeof(s), hex(other), typeof(other) FROM t ORDER BY id");

        Assert.Equal(["FF41", "text", "66696E65", "text"], rows[0]);
        Assert.Equal(["706C61696E", "text", "80", "text"], rows[1]);
        Assert.Equal(["", "text", "35", "integer"], rows[2]);
    }

    [Fact]
    public async Task WriteBatch_RawTextReadBack_RoundTripsThroughStore()
    {
        var path = _dir.File("rt.db");
        var table = Stores.Table("t", ["id"], "id INTEGER", "s");
        await using var target = Stores.Target(path);
        await target.CreateTableAsync(table, false, CancellationToken.None);

        await target.WriteBatchAsync(table, [[1L, new RawText([0xC3, 0x28, 0x41])]], WriteMode.Insert, false, CancellationToken.None);
        var rows = await Stores.ReadAllAsync(target, Stores.Request(table));

        Assert.Equal(new RawText([0xC3, 0x28, 0x41]), rows[0][1]);
    }

    [Fact]
    public async Task WriteBatch_Blobs_StoredAsBlobWithExactBytes()
    {
        var path = _dir.File("blob.db");
        var typed = Stores.Table("t", ["id"], "id INTEGER", "b BLOB");
        var table = typed with { Columns = [.. typed.Columns, new("untyped", "", false, null)] };
        var big = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31)).ToArray();
        await using (var target = Stores.Target(path))
        {
            await target.CreateTableAsync(table, false, CancellationToken.None);
            await target.WriteBatchAsync(table, [[1L, big, new byte[] { 0x31, 0x32 }], [2L, Array.Empty<byte>(), null]], WriteMode.Insert, false, CancellationToken.None);
        }

        var rows = SqliteFile.Query(path, "SELECT typeof(b), b, typeof(untyped), untyped FROM t ORDER BY id");

        Assert.Equal(["blob", big, "blob", new byte[] { 0x31, 0x32 }], rows[0]);
        Assert.Equal("blob", rows[1][0]);
    }

    private static string StorageClassOf(object? v) => v switch
    {
        null => "null",
        long => "integer",
        double => "real",
        string or RawText => "text",
        byte[] => "blob",
        _ => v.GetType().Name,
    };
}

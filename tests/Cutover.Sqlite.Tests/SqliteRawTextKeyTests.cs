using Cutover.Connectors;
using Cutover.Sqlite.Tests.Support;
using Cutover.Values;

namespace Cutover.Sqlite.Tests;

/// <summary>Keys whose TEXT is not valid UTF-8 must page, filter and delete like any other key.</summary>
public sealed class SqliteRawTextKeyTests : IDisposable
{
    private static readonly RawText BadKey = new([0x6B, 0x30, 0x39, 0x39, 0x39, 0x39, 0xFF]); // "k09999" + 0xFF

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly Cutover.Schema.TargetTable Table = Stores.Table("t", ["k"], "k TEXT", "n INTEGER");

    /// <summary>10,005 rows keyed k00000..k10004, with k09999 replaced by a key holding invalid UTF-8 (still 10,000th in order).</summary>
    private string Seed()
    {
        var path = _dir.File("keys.db");
        SqliteFile.Exec(path, "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER)");
        SqliteFile.InsertRows(path, "t", ["k", "n"], Enumerable.Range(0, 10_005).Where(i => i != 9999).Select(i => new object?[] { $"k{i:D5}", (long)i }));
        SqliteFile.Exec(path, "INSERT INTO t VALUES (CAST(@p0 AS TEXT), 9999)", BadKey.Bytes);
        return path;
    }

    [Fact]
    public async Task ReadAsync_PageEndsOnInvalidUtf8Key_ReadsEveryRow()
    {
        await using var store = Stores.Source(Seed());

        var rows = await Stores.ReadAllAsync(store, Stores.Request(Table));

        Assert.Equal(10_005, rows.Count);
        Assert.Equal(BadKey, rows[9999][0]);
        Assert.Equal(Enumerable.Range(0, 10_005).Select(i => (long)i), rows.Select(r => (long)r[1]!));
    }

    [Fact]
    public async Task ReadAsync_AfterInvalidUtf8Key_ResumesAfterIt()
    {
        await using var store = Stores.Source(Seed());

        var rows = await Stores.ReadAllAsync(store, Stores.Request(Table, after: [BadKey]));

        Assert.Equal([10_000L, 10_001L, 10_002L, 10_003L, 10_004L], rows.Select(r => r[1]));
    }

    [Fact]
    public async Task ReadAsync_KeysFilterWithInvalidUtf8Key_FindsIt()
    {
        await using var store = Stores.Source(Seed());

        var rows = await Stores.ReadAllAsync(store, Stores.Request(Table) with { Keys = [[BadKey], ["k00001"]] });

        Assert.Equal([1L, 9999L], rows.Select(r => r[1]).Order());
    }

    [Fact]
    public async Task DeleteKeysAsync_InvalidUtf8Key_DeletesIt()
    {
        var path = Seed();
        await using var store = Stores.Target(path);

        await store.DeleteKeysAsync(Table, [[BadKey]], CancellationToken.None);

        Assert.Equal(10_004L, await store.CountAsync("t", CancellationToken.None));
        Assert.Null(SqliteFile.Scalar(path, "SELECT n FROM t WHERE n = 9999"));
    }

    [Fact]
    public async Task WriteBatch_UpsertInvalidUtf8Key_UpdatesExistingRow()
    {
        var path = Seed();
        await using var store = Stores.Target(path);

        var result = await store.WriteBatchAsync(Table, [[BadKey, 42L]], WriteMode.Upsert, false, CancellationToken.None);

        Assert.Empty(result.Failures);
        Assert.Equal(10_005L, await store.CountAsync("t", CancellationToken.None));
        Assert.Equal(42L, SqliteFile.Scalar(path, "SELECT n FROM t WHERE hex(k) = @p0", Convert.ToHexString(BadKey.Bytes)));
    }
}

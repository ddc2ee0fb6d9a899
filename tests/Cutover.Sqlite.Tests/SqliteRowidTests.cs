using Cutover.Connectors;
using Cutover.Sqlite.Tests.Support;

namespace Cutover.Sqlite.Tests;

/// <summary>Tables keyed by SQLite's implicit rowid: row[0] is the rowid, and it is copied as is.</summary>
public sealed class SqliteRowidTests : IDisposable
{
    private static readonly Cutover.Schema.TargetTable Logs = Stores.Table("logs", ["rowid"], "msg");

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Source()
    {
        var path = _dir.File("src.db");
        SqliteFile.Exec(path, """
            CREATE TABLE logs (msg TEXT);
            INSERT INTO logs (rowid, msg) VALUES (1, 'one'), (3, 'three'), (7, 'seven'), (100, 'hundred'), (9007199254740993, 'big');
            """);
        return path;
    }

    [Fact]
    public async Task CopyByRowid_GappyRowids_PreservedOnTarget()
    {
        await using var source = Stores.Source(Source());
        var targetPath = _dir.File("dst.db");
        await using var target = Stores.Target(targetPath);
        await target.CreateTableAsync(Logs, false, CancellationToken.None);

        var rows = await Stores.ReadAllAsync(source, Stores.Request(Logs));
        var result = await target.WriteBatchAsync(Logs, rows, WriteMode.Insert, false, CancellationToken.None);

        Assert.Equal(5, result.Written);
        Assert.Equal(
            ["1 one", "3 three", "7 seven", "100 hundred", "9007199254740993 big"],
            SqliteFile.Query(targetPath, "SELECT rowid, msg FROM logs ORDER BY rowid").Select(r => $"{r[0]} {r[1]}"));
    }

    [Fact]
    public async Task ReadAsync_AfterRowid_PagesByRowid()
    {
        await using var source = Stores.Source(Source());

        var rows = await Stores.ReadAllAsync(source, Stores.Request(Logs, after: [3L]));

        Assert.Equal([7L, 100L, 9007199254740993L], rows.Select(r => r[0]));
    }

    [Fact]
    public async Task WriteBatch_UpsertSameRowid_ReplacesRow()
    {
        var path = _dir.File("dst.db");
        await using var target = Stores.Target(path);
        await target.CreateTableAsync(Logs, false, CancellationToken.None);
        await target.WriteBatchAsync(Logs, [[5L, "old"], [6L, "keep"]], WriteMode.Insert, false, CancellationToken.None);

        var insert = await target.WriteBatchAsync(Logs, [[5L, "dup"]], WriteMode.Insert, false, CancellationToken.None);
        await target.WriteBatchAsync(Logs, [[5L, "new"]], WriteMode.Upsert, false, CancellationToken.None);

        Assert.Equal(Cutover.Errors.ErrorCodes.ConstraintViolation, Assert.Single(insert.Failures).Code);
        Assert.Equal(["5 new", "6 keep"], SqliteFile.Query(path, "SELECT rowid, msg FROM logs ORDER BY rowid").Select(r => $"{r[0]} {r[1]}"));
    }

    [Fact]
    public async Task DeleteKeysAsync_ByRowid_RemovesThatRow()
    {
        var path = _dir.File("dst.db");
        await using var target = Stores.Target(path);
        await target.CreateTableAsync(Logs, false, CancellationToken.None);
        await target.WriteBatchAsync(Logs, [[5L, "a"], [6L, "b"]], WriteMode.Insert, false, CancellationToken.None);

        await target.DeleteKeysAsync(Logs, [[5L]], CancellationToken.None);

        Assert.Equal([6L], SqliteFile.Query(path, "SELECT rowid FROM logs").Select(r => r[0]));
    }

    [Fact]
    public async Task CheckKeysAsync_RowidKey_AlwaysClean()
    {
        await using var source = Stores.Source(Source());

        Assert.Equal((0L, 0L), await source.CheckKeysAsync("logs", ["rowid"], true, CancellationToken.None));
    }
}

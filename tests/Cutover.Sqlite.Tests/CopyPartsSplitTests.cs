using Cutover.Connectors;
using Cutover.Copy;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Sqlite.Tests.Support;
using Cutover.State;
using Cutover.Values;

namespace Cutover.Sqlite.Tests;

/// <summary>Cutting a real SQLite table into key ranges: together the ranges hold every row exactly once.</summary>
public sealed class CopyPartsSplitTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(List<EntityProgress> Ranges, List<List<object?>> RowsPerRange)> SplitAsync(string table, string key, int count)
    {
        var file = _dir.File("cutover.yaml");
        File.WriteAllText(file, $"name: split\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: {table}\n    key: {key}\n");
        await using var ctx = await MigrationSession.OpenAsync(PlanLoader.Load(file), new StoreRegistry([new SqliteStoreProvider()]),
            (path, create) => SqliteStateStore.Open(path, create), SessionMode.Write, null, null, null, CancellationToken.None);
        var e = ctx.Entities[0];
        var total = await ctx.Source.CountAsync(table, CancellationToken.None);
        var entity = new EntityProgress("run", e.Name, total, 0, 0, 0, null, 0, "pending", 0);
        var ranges = (await CopyParts.SplitAsync(ctx, e, entity, count, CancellationToken.None)).ToList();
        var rows = new List<List<object?>>();
        foreach (var r in ranges)
        {
            var request = e.SourceRead(r.Checkpoint is null ? null : KeyCodec.Decode(r.Checkpoint)) with { Until = r.RangeEnd is null ? null : KeyCodec.Decode(r.RangeEnd) };
            var mine = new List<object?>();
            await foreach (var row in ctx.Source.ReadAsync(request, CancellationToken.None))
            {
                mine.Add(e.KeyOf(row)[0]);
            }
            rows.Add(mine);
        }
        var saved = await ctx.RequireState().ProgressAsync("run", CancellationToken.None);
        Assert.Equal(ranges.Select(r => (r.Entity, r.Checkpoint, r.RangeEnd)), saved.Select(r => (r.Entity, r.Checkpoint, r.RangeEnd)));
        return (ranges, rows);
    }

    [Fact]
    public async Task SplitAsync_IntegerKey_CutsEvenlyBetweenSmallestAndLargest()
    {
        SqliteFile.Exec(_dir.File("app.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        SqliteFile.InsertRows(_dir.File("app.db"), "t", ["id", "v"], Enumerable.Range(1, 10_000).Select(i => new object?[] { (long)i * 3, "x" }));

        var (ranges, rows) = await SplitAsync("t", "id", 4);

        Assert.Equal(["t#range1/4", "t#range2/4", "t#range3/4", "t#range4/4"], ranges.Select(r => r.Entity));
        Assert.Null(ranges[0].Checkpoint);
        Assert.Null(ranges[^1].RangeEnd);
        Assert.All(rows, r => Assert.InRange(r.Count, 2_499, 2_501));
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (object?)((long)i * 3)), rows.SelectMany(r => r));
    }

    [Fact]
    public async Task SplitAsync_TextKey_CutsAtKeysFoundByPosition()
    {
        SqliteFile.Exec(_dir.File("app.db"), "CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT)");
        var keys = Enumerable.Range(1, 9_001).Select(i => Guid.NewGuid().ToString()).ToList();
        SqliteFile.InsertRows(_dir.File("app.db"), "t", ["id", "v"], keys.Select(k => new object?[] { k, "x" }));

        var (ranges, rows) = await SplitAsync("t", "id", 3);

        Assert.Equal(3, ranges.Count);
        Assert.All(rows, r => Assert.InRange(r.Count, 2_999, 3_002));
        Assert.Equal(keys.Order(StringComparer.Ordinal), rows.SelectMany(r => r).Cast<string>());
    }

    [Fact]
    public async Task SplitAsync_KeysOfMixedStorageClasses_StillCoverEveryRowOnce()
    {
        // SQLite lets an INTEGER-declared key hold text and reals too; they sort after (text) or among (reals) the integers.
        SqliteFile.Exec(_dir.File("app.db"), "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, v TEXT) WITHOUT ROWID");
        var values = Enumerable.Range(1, 3_000).Select(i => (object?)(long)i).Concat([2.5, 1e12, "zz", "aa"]).ToList();
        SqliteFile.InsertRows(_dir.File("app.db"), "t", ["id", "v"], values.Select(k => new object?[] { k, "x" }));

        var (_, rows) = await SplitAsync("t", "id", 4);

        Assert.Equal(values.Count, rows.Sum(r => r.Count));
        Assert.Equal(values.Count, rows.SelectMany(r => r).Distinct().Count());
    }

    [Fact]
    public async Task SplitAsync_TableSmallerThanTheRanges_MergesEqualCuts()
    {
        SqliteFile.Exec(_dir.File("app.db"), "CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT); INSERT INTO t VALUES ('a', 'x'), ('b', 'y');");

        var (ranges, rows) = await SplitAsync("t", "id", 8);

        Assert.InRange(ranges.Count, 2, 3);
        Assert.Equal(["a", "b"], rows.SelectMany(r => r).Cast<string>());
    }
}

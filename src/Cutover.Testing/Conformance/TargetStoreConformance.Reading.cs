using Cutover.Connectors;
using Cutover.Values;

namespace Cutover.Testing.Conformance;

/// <summary>Reading: keyset paging, key filters, key checks.</summary>
public abstract partial class TargetStoreConformance
{
    private static readonly IReadOnlyList<ColumnSpec> CompositeColumns =
        [new("a", ValueKind.Integer), new("b", ValueKind.Text), new("v", ValueKind.Integer)];

    [Fact]
    public async Task ReadAsync_AfterSingleKey_ReturnsOnlyLaterRowsInOrder()
    {
        var table = Table("single", KeyValueColumns, "k");
        var source = await CreateSourceAsync("single", KeyValueColumns, ["k"], [[5L, "e"], [1L, "a"], [3L, "c"], [2L, "b"], [4L, "d"]]);

        var rows = await ReadAllAsync(source, Request(table, after: [2L]));

        Assert.Equal([3L, 4L, 5L], rows.Select(r => r[0]));
        Assert.Equal(["c", "d", "e"], rows.Select(r => r[1]));
    }

    [Fact]
    public async Task ReadAsync_AfterCompositeKey_ComparesWholeTuple()
    {
        var table = Table("composite", CompositeColumns, "a", "b");
        object?[][] rows = [[2L, "a", 4L], [1L, "c", 3L], [1L, "a", 1L], [2L, "b", 5L], [1L, "b", 2L], [3L, "a", 6L]];
        var source = await CreateSourceAsync("composite", CompositeColumns, ["a", "b"], rows);

        var all = await ReadAllAsync(source, Request(table));
        var after = await ReadAllAsync(source, Request(table, after: [1L, "b"]));

        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], all.Select(r => r[2]));
        Assert.Equal([3L, 4L, 5L, 6L], after.Select(r => r[2]));
    }

    [Fact]
    public async Task ReadAsync_MoreRowsThanOnePage_ReturnsEveryRowOnceInOrder()
    {
        const int N = 25_003;
        var table = Table("many", KeyValueColumns, "k");
        // Inserted in a scrambled order with gaps, so neither insertion order nor dense ids can fake key order.
        var rows = Enumerable.Range(0, N).Select(i => (long)((i * 7919L) % N) * 3).Select(k => new object?[] { k, "v" + k }).ToList();
        var source = await CreateSourceAsync("many", KeyValueColumns, ["k"], rows);

        var back = await ReadAllAsync(source, Request(table));

        Assert.Equal(N, back.Count);
        Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i * 3), back.Select(r => (long)r[0]!));
        Assert.All(back, r => Assert.Equal("v" + r[0], r[1]));
    }

    [Fact]
    public async Task ReadAsync_CompositeKeyAcrossPages_ReturnsEveryRowOnceInOrder()
    {
        const int N = 20_011;
        var table = Table("manycomp", CompositeColumns, "a", "b");
        var rows = Enumerable.Range(0, N).Select(i => new object?[] { (long)(i % 3), $"{i:D6}", (long)i }).Reverse().ToList();
        var source = await CreateSourceAsync("manycomp", CompositeColumns, ["a", "b"], rows);

        var back = await ReadAllAsync(source, Request(table));

        var expected = Enumerable.Range(0, N).OrderBy(i => i % 3).ThenBy(i => i).Select(i => (long)i);
        Assert.Equal(expected, back.Select(r => (long)r[2]!));
    }

    [Fact]
    public async Task ReadAsync_KeyRanges_TogetherReturnEveryRowExactlyOnce()
    {
        const int N = 23_017;
        var table = Table("ranged", KeyValueColumns, "k");
        var rows = Enumerable.Range(1, N).Select(i => new object?[] { (long)i * 2, "v" + i }).Reverse().ToList();
        var source = await CreateSourceAsync("ranged", KeyValueColumns, ["k"], rows);

        // (start, 10000], (10000, 30001], (30001, end): bounds on a key, between keys, and crossing the store's page size.
        var first = await ReadAllAsync(source, Request(table) with { Until = [10_000L] });
        var middle = await ReadAllAsync(source, Request(table, after: [10_000L]) with { Until = [30_001L] });
        var last = await ReadAllAsync(source, Request(table, after: [30_001L]));

        Assert.Equal(5_000, first.Count);
        Assert.Equal(10_000L, first[^1][0]);
        Assert.Equal(10_002L, middle[0][0]);
        Assert.Equal(30_000L, middle[^1][0]);
        Assert.Equal(Enumerable.Range(1, N).Select(i => (long)i * 2), first.Concat(middle).Concat(last).Select(r => (long)r[0]!));
    }

    [Fact]
    public async Task ReadAsync_CompositeKeyRange_ComparesWholeTuple()
    {
        var table = Table("comprange", CompositeColumns, "a", "b");
        object?[][] rows = [[2L, "a", 4L], [1L, "c", 3L], [1L, "a", 1L], [2L, "b", 5L], [1L, "b", 2L], [3L, "a", 6L]];
        var source = await CreateSourceAsync("comprange", CompositeColumns, ["a", "b"], rows);

        var range = await ReadAllAsync(source, Request(table, after: [1L, "b"]) with { Until = [2L, "b"] });

        Assert.Equal([3L, 4L, 5L], range.Select(r => r[2]));
    }

    [Fact]
    public async Task KeyAtAsync_FindsKeysByPositionFromEitherEnd()
    {
        var table = Table("positions", CompositeColumns, "a", "b");
        object?[][] rows = [[2L, "a", 4L], [1L, "c", 3L], [1L, "a", 1L], [2L, "b", 5L], [1L, "b", 2L], [3L, "a", 6L]];
        var source = await CreateSourceAsync("positions", CompositeColumns, ["a", "b"], rows);

        Assert.Equal([1L, "a"], await source.KeyAtAsync(table.Name, ["a", "b"], false, 0, fromEnd: false, CancellationToken.None));
        Assert.Equal([2L, "a"], await source.KeyAtAsync(table.Name, ["a", "b"], false, 3, fromEnd: false, CancellationToken.None));
        Assert.Equal([3L, "a"], await source.KeyAtAsync(table.Name, ["a", "b"], false, 0, fromEnd: true, CancellationToken.None));
        Assert.Equal([2L, "a"], await source.KeyAtAsync(table.Name, ["a", "b"], false, 2, fromEnd: true, CancellationToken.None));
        Assert.Null(await source.KeyAtAsync(table.Name, ["a", "b"], false, 6, fromEnd: false, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_AfterLastKey_ReturnsNothing()
    {
        var table = Table("tail", KeyValueColumns, "k");
        var source = await CreateSourceAsync("tail", KeyValueColumns, ["k"], [[1L, "a"], [2L, "b"]]);

        Assert.Empty(await ReadAllAsync(source, Request(table, after: [2L])));
    }

    [Fact]
    public async Task ReadAsync_KeysFilter_ReturnsOnlyThoseKeysOnce()
    {
        var table = Table("filtered", KeyValueColumns, "k");
        var source = await CreateSourceAsync("filtered", KeyValueColumns, ["k"], Enumerable.Range(1, 1000).Select(i => new object?[] { (long)i, "v" + i }).ToList());
        // More keys than one statement binds (so chunking is exercised), plus a key that does not exist.
        var wanted = Enumerable.Range(1, 1000).Where(i => i % 2 == 0).Select(i => (long)i).Append(5000L).ToList();

        var rows = await ReadAllAsync(source, Request(table, keys: wanted.Select(k => (IReadOnlyList<object?>)[k]).ToList()));

        Assert.Equal(wanted.Where(k => k <= 1000), rows.Select(r => (long)r[0]!));
    }

    [Fact]
    public async Task ReadAsync_CompositeKeysFilter_MatchesWholeTuples()
    {
        var table = Table("compfilter", CompositeColumns, "a", "b");
        var source = await CreateSourceAsync("compfilter", CompositeColumns, ["a", "b"], [[1L, "x", 1L], [1L, "y", 2L], [2L, "x", 3L], [2L, "y", 4L]]);

        var rows = await ReadAllAsync(source, Request(table, keys: [[1L, "y"], [2L, "x"], [3L, "x"]]));

        Assert.Equal([2L, 3L], rows.Select(r => r[2]));
    }

    [Fact]
    public async Task CheckKeysAsync_NullAndDuplicateKeys_CountsEach()
    {
        object?[][] rows = [[1L, "a"], [1L, "b"], [2L, "c"], [null, "d"], [3L, "e"], [3L, "f"], [3L, "g"], [4L, "h"]];
        var source = await CreateSourceAsync("keyless", KeyValueColumns, [], rows);

        var (nulls, dups) = await source.CheckKeysAsync("keyless", ["k"], false, CancellationToken.None);

        Assert.Equal(1, nulls);
        Assert.Equal(2, dups);
    }

    [Fact]
    public async Task CheckKeysAsync_CompositeKey_NullInAnyPartAndDuplicateTuples()
    {
        object?[][] rows = [[1L, "x", 1L], [1L, "y", 2L], [1L, "x", 3L], [2L, null, 4L], [null, "z", 5L], [2L, "x", 6L]];
        var source = await CreateSourceAsync("keylesscomp", CompositeColumns, [], rows);

        var (nulls, dups) = await source.CheckKeysAsync("keylesscomp", ["a", "b"], false, CancellationToken.None);

        Assert.Equal(2, nulls);
        Assert.Equal(1, dups);
    }

    [Fact]
    public async Task CheckKeysAsync_CleanKey_ReportsZero()
    {
        var source = await CreateSourceAsync("clean", KeyValueColumns, ["k"], [[1L, "a"], [2L, "b"]]);

        Assert.Equal((0L, 0L), await source.CheckKeysAsync("clean", ["k"], false, CancellationToken.None));
    }

    [Fact]
    public async Task CountAsync_Source_CountsRows()
    {
        var source = await CreateSourceAsync("srccount", KeyValueColumns, ["k"], Enumerable.Range(1, 12).Select(i => new object?[] { (long)i, null }).ToList());

        Assert.Equal(12, await source.CountAsync("srccount", CancellationToken.None));
    }
}

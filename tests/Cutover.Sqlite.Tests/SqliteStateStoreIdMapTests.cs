using Cutover.Sqlite.Tests.Support;

namespace Cutover.Sqlite.Tests;

/// <summary>The id map: first id wins, lookups by long and string keys, paged listing.</summary>
public sealed class SqliteStateStoreIdMapTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDir _dir = new();
    private SqliteStateStore _state = null!;

    public Task InitializeAsync()
    {
        _state = SqliteStateStore.Open(_dir.File("state.db"), create: true)!;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _state.DisposeAsync();
        _dir.Dispose();
    }

    private static KeyValuePair<object, string> Pair(object old, string @new) => new(old, @new);

    private async Task<List<KeyValuePair<object, string>>> ListAsync(string entity, object? oldKey = null)
    {
        var list = new List<KeyValuePair<object, string>>();
        await foreach (var kv in _state.ListIdsAsync(entity, oldKey, None))
        {
            list.Add(kv);
        }
        return list;
    }

    [Fact]
    public async Task AddIdsAsync_KeyAlreadyMapped_FirstIdWins()
    {
        await _state.AddIdsAsync("users", [Pair(1L, "A"), Pair(2L, "B")], None);

        await _state.AddIdsAsync("users", [Pair(1L, "Z"), Pair(3L, "C"), Pair(2L, "B")], None);

        var map = await _state.LookupIdsAsync("users", [1L, 2L, 3L], None);
        Assert.Equal("A", map[1L]);
        Assert.Equal("B", map[2L]);
        Assert.Equal("C", map[3L]);
        Assert.Equal(3, await _state.CountIdsAsync("users", None));
    }

    [Fact]
    public async Task LookupIdsAsync_LongKeys_ReturnsBoxedLongsAndSkipsUnmapped()
    {
        await _state.AddIdsAsync("users", [Pair(10L, "ten"), Pair(long.MaxValue, "max"), Pair(-5L, "neg")], None);

        var map = await _state.LookupIdsAsync("users", [10L, long.MaxValue, -5L, 99L, 10L], None);

        Assert.Equal(3, map.Count);
        Assert.All(map.Keys, k => Assert.IsType<long>(k));
        Assert.Equal("max", map[long.MaxValue]);
        Assert.False(map.ContainsKey(99L));
    }

    [Fact]
    public async Task LookupIdsAsync_StringKeys_DistinctFromEqualLookingLongs()
    {
        await _state.AddIdsAsync("users", [Pair("abc", "s1"), Pair("1", "s2"), Pair(1L, "l1"), Pair("Grüße 🎉", "s3")], None);

        var map = await _state.LookupIdsAsync("users", ["abc", "1", 1L, "Grüße 🎉", "ABC"], None);

        Assert.Equal("s1", map["abc"]);
        Assert.Equal("s2", map["1"]);
        Assert.Equal("l1", map[1L]);
        Assert.Equal("s3", map["Grüße 🎉"]);
        Assert.False(map.ContainsKey("ABC"));
    }

    [Fact]
    public async Task LookupIdsAsync_MoreKeysThanOneChunk_FindsAll()
    {
        await _state.AddIdsAsync("users", Enumerable.Range(1, 1200).Select(i => Pair((long)i, $"id{i:D5}")).ToList(), None);

        var map = await _state.LookupIdsAsync("users", Enumerable.Range(1, 1300).Select(i => (object)(long)i).ToList(), None);

        Assert.Equal(1200, map.Count);
        Assert.Equal("id01200", map[1200L]);
    }

    [Fact]
    public async Task ListIdsAsync_MoreThanOnePage_ReturnsEveryMappingOnceInKeyOrder()
    {
        var keys = Enumerable.Range(1, 2500).Select(i => (long)((i * 7919L) % 2503)).ToList();
        await _state.AddIdsAsync("users", keys.Select(k => Pair(k, $"n{k}")).ToList(), None);
        await _state.AddIdsAsync("other", [Pair(1L, "o1")], None);

        var list = await ListAsync("users");

        Assert.Equal(keys.Order(), list.Select(kv => (long)kv.Key));
        Assert.All(list, kv => Assert.Equal($"n{kv.Key}", kv.Value));
    }

    [Fact]
    public async Task ListIdsAsync_StringKeysOverPages_InOrder()
    {
        var keys = Enumerable.Range(0, 1001).Select(i => $"key-{i:D4}").Reverse().ToList();
        await _state.AddIdsAsync("docs", keys.Select(k => Pair(k, "v" + k)).ToList(), None);

        var list = await ListAsync("docs");

        Assert.Equal(keys.Order(StringComparer.Ordinal), list.Select(kv => (string)kv.Key));
    }

    [Fact]
    public async Task ListIdsAsync_OneOldKey_ReturnsOnlyThatMapping()
    {
        await _state.AddIdsAsync("users", [Pair(1L, "a"), Pair(2L, "b")], None);

        var one = await ListAsync("users", 2L);
        var none = await ListAsync("users", 3L);

        Assert.Equal([Pair(2L, "b")], one);
        Assert.Empty(none);
    }

    [Fact]
    public async Task CountIdsAsync_PerEntity()
    {
        await _state.AddIdsAsync("a", [Pair(1L, "x"), Pair(2L, "y")], None);
        await _state.AddIdsAsync("b", [Pair(1L, "x")], None);

        Assert.Equal(2, await _state.CountIdsAsync("a", None));
        Assert.Equal(1, await _state.CountIdsAsync("b", None));
        Assert.Equal(0, await _state.CountIdsAsync("c", None));
    }
}

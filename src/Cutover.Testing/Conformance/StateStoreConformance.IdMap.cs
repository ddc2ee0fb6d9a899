namespace Cutover.Testing.Conformance;

/// <summary>The id map part of the state store suite: first id wins, lookups keep a key's kind, paged listing.</summary>
public abstract partial class StateStoreConformance
{
    [Fact]
    public async Task AddIdsAsync_KeyAlreadyMapped_FirstIdWins()
    {
        await State.AddIdsAsync("users", [Pair(1L, "A"), Pair(2L, "B")], None);

        await State.AddIdsAsync("users", [Pair(1L, "Z"), Pair(3L, "C"), Pair(2L, "B"), Pair(3L, "D")], None);

        var map = await State.LookupIdsAsync("users", [1L, 2L, 3L], None);
        Assert.Equal("A", map[1L]);
        Assert.Equal("B", map[2L]);
        Assert.Equal("C", map[3L]);
        Assert.Equal(3, await State.CountIdsAsync("users", None));
    }

    [Fact]
    public async Task LookupIdsAsync_LongKeys_ReturnsBoxedLongsAndSkipsUnmapped()
    {
        await State.AddIdsAsync("users", [Pair(10L, "ten"), Pair(long.MaxValue, "max"), Pair(-5L, "neg")], None);

        var map = await State.LookupIdsAsync("users", [10L, long.MaxValue, -5L, 99L, 10L], None);

        Assert.Equal(3, map.Count);
        Assert.All(map.Keys, k => Assert.IsType<long>(k));
        Assert.Equal("max", map[long.MaxValue]);
        Assert.False(map.ContainsKey(99L));
    }

    [Fact]
    public async Task LookupIdsAsync_StringKeys_KeepTheirKindApartFromEqualLookingLongs()
    {
        await State.AddIdsAsync("users", [Pair("abc", "s1"), Pair("1", "s2"), Pair(1L, "l1"), Pair("Grüße 🎉", "s3")], None);

        var map = await State.LookupIdsAsync("users", ["abc", "1", 1L, "Grüße 🎉", "ABC"], None);

        Assert.Equal("s1", map["abc"]);
        Assert.Equal("s2", map["1"]);
        Assert.Equal("l1", map[1L]);
        Assert.Equal("s3", map["Grüße 🎉"]);
        Assert.False(map.ContainsKey("ABC"));
        var listed = await ListAsync(State, "users");
        Assert.Equal([Pair(1L, "l1"), Pair("1", "s2"), Pair("Grüße 🎉", "s3"), Pair("abc", "s1")], listed); // integers first, then texts bytewise
        Assert.IsType<long>(listed[0].Key);
        Assert.IsType<string>(listed[1].Key);
    }

    [Fact]
    public async Task LookupIdsAsync_MoreKeysThanOneChunk_FindsAll()
    {
        await State.AddIdsAsync("users", Enumerable.Range(1, 6200).Select(i => Pair((long)i, $"id{i:D5}")).ToList(), None);

        var map = await State.LookupIdsAsync("users", Enumerable.Range(1, 6300).Select(i => (object)(long)i).ToList(), None);

        Assert.Equal(6200, map.Count);
        Assert.Equal("id06200", map[6200L]);
    }

    [Fact]
    public async Task ListIdsAsync_MoreThanOnePage_ReturnsEveryMappingOnceInKeyOrder()
    {
        var keys = Enumerable.Range(1, 2500).Select(i => (long)((i * 7919L) % 2503) - 1000).ToList();
        await State.AddIdsAsync("users", keys.Select(k => Pair(k, $"n{k}")).ToList(), None);
        await State.AddIdsAsync("other", [Pair(1L, "o1")], None);

        var list = await ListAsync(State, "users");

        Assert.Equal(keys.Order(), list.Select(kv => (long)kv.Key));
        Assert.All(list, kv => Assert.Equal($"n{kv.Key}", kv.Value));
    }

    [Fact]
    public async Task ListIdsAsync_StringKeysOverPages_InOrder()
    {
        var keys = Enumerable.Range(0, 1001).Select(i => $"key-{i:D4}").Append("Key-x").Append("key-ä").Reverse().ToList();
        await State.AddIdsAsync("docs", keys.Select(k => Pair(k, "v" + k)).ToList(), None);

        var list = await ListAsync(State, "docs");

        Assert.Equal(keys.Order(StringComparer.Ordinal), list.Select(kv => (string)kv.Key));
    }

    [Fact]
    public async Task ListIdsAsync_OneOldKey_ReturnsOnlyThatMapping()
    {
        await State.AddIdsAsync("users", [Pair(1L, "a"), Pair(2L, "b"), Pair("2", "s")], None);

        Assert.Equal([Pair(2L, "b")], await ListAsync(State, "users", 2L));
        Assert.Equal([Pair("2", "s")], await ListAsync(State, "users", "2"));
        Assert.Empty(await ListAsync(State, "users", 3L));
    }

    [Fact]
    public async Task CountIdsAsync_PerEntity()
    {
        await State.AddIdsAsync("a", [Pair(1L, "x"), Pair(2L, "y")], None);
        await State.AddIdsAsync("b", [Pair(1L, "x")], None);

        Assert.Equal(2, await State.CountIdsAsync("a", None));
        Assert.Equal(1, await State.CountIdsAsync("b", None));
        Assert.Equal(0, await State.CountIdsAsync("c", None));
    }

    [Fact]
    public async Task MappedNewIdsAsync_SomeIdsMapped_ReturnsOnlyThoseOfThatEntity()
    {
        await State.AddIdsAsync("users", [Pair(1L, "A"), Pair("two", "B"), Pair(3L, "C")], None);
        await State.AddIdsAsync("other", [Pair(1L, "X")], None);

        var found = await State.MappedNewIdsAsync("users", ["A", "B", "X", "a", "missing", "A"], None);

        Assert.Equal(["A", "B"], found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MappedNewIdsAsync_MoreIdsThanOneChunk_FindsAll()
    {
        await State.AddIdsAsync("users", Enumerable.Range(1, 6200).Select(i => Pair((long)i, $"id{i:D5}")).ToList(), None);

        var found = await State.MappedNewIdsAsync("users", Enumerable.Range(1, 6300).Select(i => $"id{i:D5}").ToList(), None);

        Assert.Equal(6200, found.Count);
        Assert.Contains("id06200", found);
        Assert.DoesNotContain("id06201", found);
    }

    [Fact]
    public async Task DuplicateNewIdsAsync_OneToOneMap_FindsNone()
    {
        await State.AddIdsAsync("users", [Pair(1L, "A"), Pair(2L, "B"), Pair("1", "C")], None);
        await State.AddIdsAsync("other", [Pair(1L, "A")], None);

        var (count, samples) = await State.DuplicateNewIdsAsync("users", 10, None);

        Assert.Equal(0, count);
        Assert.Empty(samples);
    }
}

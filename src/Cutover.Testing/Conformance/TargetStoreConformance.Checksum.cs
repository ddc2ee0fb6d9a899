using Cutover.Connectors;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.Testing.Conformance;

/// <summary>Range checksums: whatever way a store computes them, they are the checksum of what <see cref="ISourceStore.ReadAsync"/> returns.</summary>
public abstract partial class TargetStoreConformance
{
    private static async Task<TableChecksum> ReadThroughAsync(ISourceStore store, ReadRequest request) =>
        await TableChecksum.OfRowsAsync(store.ReadAsync(request, CancellationToken.None), CancellationToken.None);

    [Fact]
    public async Task ChecksumAsync_EveryStorageClassAndRange_EqualsTheRowsReadAsyncReturns()
    {
        var table = Table("summed", AllKindsColumns, "k");
        object?[][] rows =
        [
            [1L, long.MinValue, -0.0, "", Array.Empty<byte>()],
            [2L, null, null, null, null],
            [3L, long.MaxValue, 0.1 + 0.2, "Grüße, 日本語, emoji 🎉🧪 " + new string('x', 200), new byte[] { 0x00, 0xFF, 0x10, 0x00 }],
            [4L, 0L, double.MaxValue, "line\nbreak\ttab 'quote' \"dq\" \\ backslash", Enumerable.Range(0, 300).Select(i => (byte)i).ToArray()],
            [5L, -1L, double.Epsilon, "é", new byte[] { 1 }],
        ];
        var source = await CreateSourceAsync("summed", AllKindsColumns, ["k"], rows);

        foreach (var (after, until) in new (object?[]?, object?[]?)[] { (null, null), ([2L], null), (null, [3L]), ([1L], [4L]), ([3L], [3L]), ([9L], null) })
        {
            var request = Request(table, after) with { Until = until };
            var expected = await ReadThroughAsync(source, request);

            var actual = await source.ChecksumAsync(request, CancellationToken.None);

            Assert.True(expected.Hex == actual.Hex && expected.Count == actual.Count,
                $"({Value.Display(after?[0])}, {Value.Display(until?[0])}]: read {expected.Hex}/{expected.Count}, checksum {actual.Hex}/{actual.Count}");
        }
    }

    [Fact]
    public async Task ChecksumAsync_ListOfKeys_Refused()
    {
        var table = Table("summedkeys", KeyValueColumns, "k");
        var source = await CreateSourceAsync("summedkeys", KeyValueColumns, ["k"], [[1L, "a"]]);

        await Assert.ThrowsAsync<ArgumentException>(() => source.ChecksumAsync(Request(table, keys: [[1L]]), CancellationToken.None));
    }
}

using Cutover.Values;
using Cutover.Verification;

namespace Cutover.Core.Tests.Verification;

/// <summary>The small parts of the chunked comparison: chunk sums restored from a record, value equality, key order in reports.</summary>
public sealed class ChunkedComparerPartsTests
{
    [Fact]
    public void Restore_OfARecordedChecksum_AddsUpLikeTheOriginal()
    {
        var a = new TableChecksum();
        a.Add([1L, "x"]);
        a.Add([2L, null]);
        var b = new TableChecksum();
        b.Add([3L, 1.5]);

        var restored = TableChecksum.Restore(a.Count, a.Hex);
        restored.Add(b);
        var whole = new TableChecksum();
        whole.Add([1L, "x"]);
        whole.Add([2L, null]);
        whole.Add([3L, 1.5]);

        Assert.Equal(whole.Hex, restored.Hex);
        Assert.Equal(3, restored.Count);
        Assert.Throws<FormatException>(() => TableChecksum.Restore(1, "abc"));
    }

    [Theory]
    [InlineData(1L, 1L, true)]
    [InlineData(1L, 1.0, false)]
    [InlineData(1L, "1", false)]
    [InlineData("a", "a", true)]
    [InlineData("a", "a ", false)]
    [InlineData(null, null, true)]
    [InlineData(null, "", false)]
    [InlineData(0.0, -0.0, false)]
    public void Same_ComparesKindAndContent(object? a, object? b, bool same)
    {
        Assert.Equal(same, CanonicalEncoder.Same(a, b));
        Assert.Equal(same, CanonicalEncoder.Same(b, a));
    }

    [Fact]
    public void Same_DoubleChangedInItsLastBit_Differs()
    {
        var d = 420.46740750355834;
        Assert.False(CanonicalEncoder.Same(d, BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(d) + 1)));
        Assert.True(CanonicalEncoder.Same(new Timestamp(5), new Timestamp(5)));
        Assert.False(CanonicalEncoder.Same(new byte[] { 1 }, new byte[] { 1, 0 }));
    }

    [Fact]
    public void KeyOrder_SortsLikeSqlite_NullsNumbersByValueThenTextByBytes()
    {
        object?[][] keys = [["b"], [10L], ["B"], [null], [9L], [2.5], ["é"], ["z"], [new byte[] { 0 }]];

        var sorted = keys.Order(KeyOrder.Instance).Select(k => Value.Display(k[0])).ToArray();

        Assert.Equal(["NULL", "2.5", "9", "10", "B", "b", "z", "é", "x'00'"], sorted);
    }

    [Fact]
    public void KeyOrder_CompositeKeys_ColumnByColumn()
    {
        object?[][] keys = [[2L, "a"], [1L, "b"], [1L, "a"]];

        Assert.Equal(["1|a", "1|b", "2|a"], keys.Order(KeyOrder.Instance).Select(k => $"{k[0]}|{k[1]}").ToArray());
    }
}

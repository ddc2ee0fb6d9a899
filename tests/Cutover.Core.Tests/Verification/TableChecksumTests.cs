using System.Security.Cryptography;
using Cutover.Verification;

namespace Cutover.Core.Tests.Verification;

public class TableChecksumTests
{
    private static TableChecksum Of(params object?[][] rows)
    {
        var c = new TableChecksum();
        foreach (var r in rows)
        {
            c.Add(r);
        }
        return c;
    }

    [Fact]
    public void Hex_NoRows_IsAllZeros()
    {
        var c = new TableChecksum();

        Assert.Equal(new string('0', 32), c.Hex);
        Assert.Equal(0, c.Count);
    }

    [Fact]
    public void Hex_OneRow_IsFirst128BitsOfSha256OfEncoding()
    {
        // Row (1): count 1, then integer 1.
        byte[] encoding = [0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x01];
        var expected = Convert.ToHexStringLower(SHA256.HashData(encoding)[..16]);

        Assert.Equal(expected, Of([1L]).Hex);
    }

    [Fact]
    public void Hex_TwoRows_IsLaneWiseSumModulo2To64()
    {
        static (ulong A, ulong B) Lanes(byte[] encoding)
        {
            var h = SHA256.HashData(encoding);
            return (System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(h), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(h.AsSpan(8)));
        }
        var x = Lanes([0x01, 0x00]); // (NULL)
        var y = Lanes([0x01, 0x03, 0x01, 0x61]); // ('a')

        var expected = $"{unchecked(x.A + y.A):x16}{unchecked(x.B + y.B):x16}";

        Assert.Equal(expected, Of([null], ["a"]).Hex);
    }

    [Fact]
    public void Hex_SameRowsShuffled_AreEqual()
    {
        object?[][] rows = [[1L, "a"], [2L, "b"], [3L, null], [4L, 2.5], [5L, new byte[] { 9 }]];
        var shuffled = new[] { rows[3], rows[0], rows[4], rows[2], rows[1] };

        Assert.Equal(Of(rows).Hex, Of(shuffled).Hex);
    }

    [Fact]
    public void Hex_DuplicatedRow_DoesNotCancelOut()
    {
        object?[] a = [1L, "a"];
        object?[] b = [2L, "b"];

        // With XOR, {a, a, b} would equal {b}.
        Assert.NotEqual(Of(b).Hex, Of(a, a, b).Hex);
        Assert.NotEqual(Of(a, b).Hex, Of(a, a, b).Hex);
        Assert.Equal(3, Of(a, a, b).Count);
    }

    [Fact]
    public void Hex_FloatDifferingInLastBit_Differs()
    {
        Assert.NotEqual(Of([0.1]).Hex, Of([Math.BitIncrement(0.1)]).Hex);
    }

    [Fact]
    public void Hex_IntegerRealAndTextOne_AllDiffer()
    {
        var hexes = new[] { Of([1L]).Hex, Of([1.0]).Hex, Of(["1"]).Hex };

        Assert.Equal(3, hexes.Distinct().Count());
    }

    [Fact]
    public void Hex_ValuesMovedBetweenColumns_Differs()
    {
        Assert.NotEqual(Of([1L, 2L]).Hex, Of([2L, 1L]).Hex);
        Assert.NotEqual(Of(["ab", ""]).Hex, Of(["a", "b"]).Hex);
    }

    [Fact]
    public void Count_CountsEveryAddedRow()
    {
        Assert.Equal(4, Of([1L], [1L], [2L], [null]).Count);
    }
}

using Cutover.Values;

namespace Cutover.Core.Tests.Values;

public class KeyCodecTests
{
    private static object? RoundTrip(object? v) => Assert.Single(KeyCodec.Decode(KeyCodec.Encode([v])));

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(9007199254740993L)] // 2^53 + 1: not representable as a double, must not go through one
    public void Decode_EncodedLong_IsSameLong(long v)
    {
        Assert.Equal(v, Assert.IsType<long>(RoundTrip(v)));
    }

    [Fact]
    public void Encode_Int_BecomesLong()
    {
        Assert.Equal(5L, Assert.IsType<long>(RoundTrip(5)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("12")] // text that looks like a number stays text
    [InlineData("quote \" and \\ backslash")]
    [InlineData("é日本🎉")]
    public void Decode_EncodedString_IsSameString(string v)
    {
        Assert.Equal(v, Assert.IsType<string>(RoundTrip(v)));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)] // must stay REAL, not become the integer 1
    [InlineData(-2.5e-300)]
    [InlineData(double.MaxValue)]
    [InlineData(double.PositiveInfinity)]
    public void Decode_EncodedDouble_HasSameBits(double v)
    {
        var back = Assert.IsType<double>(RoundTrip(v));

        Assert.Equal(BitConverter.DoubleToInt64Bits(v), BitConverter.DoubleToInt64Bits(back));
    }

    [Fact]
    public void Decode_EncodedNegativeZero_KeepsTheSign()
    {
        var back = Assert.IsType<double>(RoundTrip(-0.0));

        Assert.True(double.IsNegative(back));
    }

    [Fact]
    public void Encode_Double_UsesRObject()
    {
        Assert.Equal("[{\"r\":\"0.1\"}]", KeyCodec.Encode([0.1]));
    }

    [Fact]
    public void Decode_EncodedBlob_IsSameBytes()
    {
        byte[] v = [0, 1, 0xFF];

        Assert.Equal(v, Assert.IsType<byte[]>(RoundTrip(v)));
        Assert.Equal("[{\"b\":\"AAH/\"}]", KeyCodec.Encode([v]));
    }

    [Fact]
    public void Decode_EncodedRawText_IsRawTextNotBlob()
    {
        var v = new RawText([0x61, 0xFF]);

        Assert.Equal(v, Assert.IsType<RawText>(RoundTrip(v)));
    }

    [Fact]
    public void Decode_EncodedNull_IsNull()
    {
        Assert.Null(RoundTrip(null));
        Assert.Null(RoundTrip(DBNull.Value));
        Assert.Equal("[null]", KeyCodec.Encode([null]));
    }

    [Fact]
    public void Decode_CompositeKey_KeepsOrderAndKinds()
    {
        object?[] key = [1L, "1", 1.0, null, new byte[] { 1 }];

        var back = KeyCodec.Decode(KeyCodec.Encode(key));

        Assert.Equal(5, back.Length);
        Assert.IsType<long>(back[0]);
        Assert.IsType<string>(back[1]);
        Assert.IsType<double>(back[2]);
        Assert.Null(back[3]);
        Assert.IsType<byte[]>(back[4]);
        Assert.Equal(key, back);
    }

    [Fact]
    public void Encode_SameKey_GivesSameText()
    {
        Assert.Equal("[1,\"a\"]", KeyCodec.Encode([1L, "a"]));
    }

    [Fact]
    public void Encode_UnsupportedType_Throws()
    {
        Assert.Throws<ArgumentException>(() => KeyCodec.Encode([Guid.Empty]));
    }

    [Fact]
    public void Decode_TypedValues_AreTheSameTypedValues()
    {
        Assert.True(Timestamp.TryParseIso("2024-05-01 12:00:00.5", out var t, out _));
        var numeric = Numeric.Parse("12.50");
        var json = Json.Parse("{\"a\": [1, 2]}");
        var back = KeyCodec.Decode(KeyCodec.Encode([t, new Date(-3), numeric, json, Timestamp.Infinity]));

        Assert.Equal(t, Assert.IsType<Timestamp>(back[0]));
        Assert.Equal(new Date(-3), Assert.IsType<Date>(back[1]));
        Assert.Equal("12.50", Assert.IsType<Numeric>(back[2]).Text);
        Assert.Equal(json, Assert.IsType<Json>(back[3]));
        Assert.Equal(Timestamp.Infinity, back[4]);
    }
}

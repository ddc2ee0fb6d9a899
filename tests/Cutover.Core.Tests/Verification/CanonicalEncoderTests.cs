using System.Buffers;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.Core.Tests.Verification;

public class CanonicalEncoderTests
{
    private static byte[] Value(object? v)
    {
        var w = new ArrayBufferWriter<byte>();
        CanonicalEncoder.EncodeValue(v, w);
        return w.WrittenSpan.ToArray();
    }

    private static byte[] Row(params object?[] row)
    {
        var w = new ArrayBufferWriter<byte>();
        CanonicalEncoder.EncodeRow(row, w);
        return w.WrittenSpan.ToArray();
    }

    private static byte[] Varint(ulong v)
    {
        var w = new ArrayBufferWriter<byte>();
        CanonicalEncoder.WriteVarint(w, v);
        return w.WrittenSpan.ToArray();
    }

    [Fact]
    public void EncodeValue_Null_IsTagZero()
    {
        Assert.Equal([0x00], Value(null));
        Assert.Equal([0x00], Value(DBNull.Value));
    }

    [Fact]
    public void EncodeValue_IntegerOne_IsTagThenEightBigEndianBytes()
    {
        Assert.Equal([0x01, 0, 0, 0, 0, 0, 0, 0, 1], Value(1L));
        Assert.Equal(Value(1L), Value(1)); // an int is the same integer
    }

    [Fact]
    public void EncodeValue_MinusOne_IsTwosComplement()
    {
        Assert.Equal([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], Value(-1L));
    }

    [Fact]
    public void EncodeValue_LargeInteger_KeepsByteOrder()
    {
        Assert.Equal([0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08], Value(0x0102030405060708L));
    }

    [Fact]
    public void EncodeValue_RealOne_IsIeee754Bits()
    {
        // 1.0 = sign 0, exponent 0x3FF, mantissa 0 -> 0x3FF0000000000000.
        Assert.Equal([0x02, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0], Value(1.0));
    }

    [Fact]
    public void EncodeValue_NegativeZero_DiffersFromZero()
    {
        Assert.Equal([0x02, 0, 0, 0, 0, 0, 0, 0, 0], Value(0.0));
        Assert.Equal([0x02, 0x80, 0, 0, 0, 0, 0, 0, 0], Value(-0.0));
    }

    [Fact]
    public void EncodeValue_AnyNaN_IsTheQuietNaN()
    {
        byte[] canonical = [0x02, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0];

        Assert.Equal(canonical, Value(double.NaN));
        Assert.Equal(canonical, Value(BitConverter.Int64BitsToDouble(0x7FF0000000000001)));
        Assert.Equal(canonical, Value(BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000000))));
    }

    [Fact]
    public void EncodeValue_Text_IsUtf8WithLength()
    {
        Assert.Equal([0x03, 0x02, 0xC3, 0xA9], Value("é"));
        Assert.Equal([0x03, 0x00], Value(""));
    }

    [Fact]
    public void EncodeValue_RawText_IsTextTagWithTheRawBytes()
    {
        Assert.Equal([0x03, 0x02, 0xC3, 0x28], Value(new RawText([0xC3, 0x28])));
        Assert.Equal(Value("a"), Value(new RawText([0x61])));
    }

    [Fact]
    public void EncodeValue_Blob_IsBlobTagWithLength()
    {
        Assert.Equal([0x04, 0x03, 0x00, 0xFF, 0x10], Value(new byte[] { 0x00, 0xFF, 0x10 }));
        Assert.NotEqual(Value("A"), Value(new byte[] { 0x41 }));
    }

    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })] // 300 = 2*128 + 44: 0x2C|0x80, then 2
    [InlineData(16384UL, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void WriteVarint_Value_IsLeb128(ulong value, byte[] expected)
    {
        Assert.Equal(expected, Varint(value));
    }

    [Fact]
    public void EncodeValue_TextOf200Bytes_HasTwoByteLength()
    {
        var bytes = Value(new string('x', 200));

        Assert.Equal(1 + 2 + 200, bytes.Length);
        Assert.Equal([0x03, 0xC8, 0x01], bytes[..3]); // 200 = 1*128 + 72: 0x48|0x80, then 1
    }

    [Fact]
    public void EncodeRow_StartsWithColumnCount()
    {
        Assert.Equal([0x02, 0x00, 0x03, 0x01, 0x61], Row(null, "a"));
        Assert.Equal([0x00], Row());
    }

    [Fact]
    public void EncodeRow_ColumnCountIsPartOfTheRow()
    {
        // Without the count, (NULL) + (NULL) and (NULL, NULL) could not be told apart in a stream.
        object?[] oneNull = [null];
        Assert.NotEqual(Row(null, null), Row(oneNull).Concat(Row(oneNull)).ToArray());
        Assert.Equal([0x81, 0x01], Row(new object?[129])[..2]);
    }

    [Fact]
    public void EncodeValue_Timestamp_IsTagFiveThenMicrosecondsSince2000()
    {
        Assert.True(Timestamp.TryParseIso("2000-01-01 00:00:01.000002", out var t, out _));
        Assert.Equal([0x05, 0, 0, 0, 0, 0, 0x0F, 0x42, 0x42], Value(t)); // 1,000,002 = 0x0F4242
        Assert.Equal([0x05, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], Value(Timestamp.Infinity));
        // The same instant as ISO text is another value: a timestamp is never equal to a string.
        Assert.NotEqual(Value(t), Value(t.ToString()));
    }

    [Fact]
    public void EncodeValue_Date_IsTagSixThenDaysSince2000()
    {
        Assert.Equal([0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], Value(new Date(-1)));
        Assert.Equal([0x06, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], Value(Date.Infinity));
        Assert.Equal([0x06, 0x80, 0, 0, 0, 0, 0, 0, 0], Value(Date.MinusInfinity));
    }

    [Fact]
    public void EncodeValue_Json_IsTagSevenWithCanonicalText()
    {
        Assert.True(Json.TryParse("""{ "b": 1, "a": 1.50 }""", out var a, out _));
        Assert.True(Json.TryParse("""{"a":1.5,"b":1}""", out var b, out _));
        Assert.Equal([0x07, 0x0F, .. "{\"a\":1.5,\"b\":1}"u8.ToArray()], Value(a));
        Assert.Equal(Value(a), Value(b));
        Assert.NotEqual(Value(a), Value(a!.Canonical));
    }

    [Fact]
    public void EncodeValue_Numeric_IsTagEightWithCanonicalDecimal()
    {
        Assert.Equal([0x08, 0x04, .. "12.5"u8.ToArray()], Value(Numeric.Parse("12.50")));
        Assert.Equal(Value(Numeric.Parse("1.25e1")), Value(Numeric.Parse("12.500")));
        Assert.NotEqual(Value(Numeric.Parse("12.5")), Value(12.5));
    }

    [Fact]
    public void EncodeValue_UnsupportedType_Throws()
    {
        Assert.Throws<ArgumentException>(() => Value(1.5m));
    }
}

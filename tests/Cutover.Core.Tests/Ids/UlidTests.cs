using System.Buffers.Binary;
using Cutover.Ids;

namespace Cutover.Core.Tests.Ids;

public class UlidTests
{
    // Spec README example and the vector used by the JS/Go implementations' tests.
    private const string SpecExample = "01ARYZ6S41TSV4RRFFQ69G5FAV";
    private const long SpecExampleMs = 1469918176385;
    private const string ImplVector = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    private const long ImplVectorMs = 1469922850259;
    private const string MaxString = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ";

    [Fact]
    public void ToString_SpecExampleTimestamp_TimePartIs01ARYZ6S41()
    {
        var u = new Ulid(SpecExampleMs, new byte[10]);

        Assert.Equal("01ARYZ6S41", u.ToString()[..10]);
        Assert.Equal("01ARYZ6S410000000000000000", u.ToString());
    }

    [Fact]
    public void Parse_SpecExample_HasTimestampAndRoundTrips()
    {
        var u = Ulid.Parse(SpecExample);

        Assert.Equal(SpecExampleMs, u.TimestampMs);
        Assert.Equal(SpecExample, u.ToString());
    }

    [Fact]
    public void Parse_ImplementationVector_HasTimestamp1469922850259()
    {
        var u = Ulid.Parse(ImplVector);

        Assert.Equal(ImplVectorMs, u.TimestampMs);
        Assert.Equal(ImplVector, u.ToString());
    }

    [Fact]
    public void ToByteArray_SpecExample_IsBigEndianTimeThenRandomness()
    {
        var bytes = Ulid.Parse(SpecExample).ToByteArray();

        Assert.Equal("01563DF36481D6764C61EFB99302BD5B", Convert.ToHexString(bytes));
    }

    [Fact]
    public void Parse_MaxString_IsMaxTimestampAndAllOnesRandomness()
    {
        var u = Ulid.Parse(MaxString);

        Assert.Equal((1L << 48) - 1, u.TimestampMs);
        Assert.Equal(Ulid.MaxTimestampMs, u.TimestampMs);
        Assert.All(u.ToByteArray(), b => Assert.Equal(0xFF, b));
        Assert.Equal(Ulid.MaxValue, u);
    }

    [Theory]
    [InlineData("80000000000000000000000000")]
    [InlineData("ZZZZZZZZZZZZZZZZZZZZZZZZZZ")]
    public void Parse_FirstCharacterAbove7_ThrowsOverflow(string s)
    {
        var ex = Assert.Throws<FormatException>(() => Ulid.Parse(s));

        Assert.Contains("position 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("overflow", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(Ulid.TryParse(s, out _));
    }

    [Fact]
    public void ToString_AllZeroBytes_IsAllZeros()
    {
        var u = Ulid.FromBytes(new byte[16]);

        Assert.Equal("00000000000000000000000000", u.ToString());
        Assert.Equal(Ulid.MinValue, u);
        Assert.Equal(u, Ulid.Parse("00000000000000000000000000"));
    }

    [Fact]
    public void MinMaxValue_ToString_AreCanonicalExtremes()
    {
        Assert.Equal("00000000000000000000000000", Ulid.MinValue.ToString());
        Assert.Equal(MaxString, Ulid.MaxValue.ToString());
        Assert.True(Ulid.MinValue < Ulid.MaxValue);
    }

    [Fact]
    public void Parse_Lowercase_EqualsUppercase()
    {
        Assert.Equal(Ulid.Parse(SpecExample), Ulid.Parse(SpecExample.ToLowerInvariant()));
        Assert.Equal(Ulid.Parse(ImplVector), Ulid.Parse("01arZ3ndEKtsv4RRffq69g5FAV"));
        Assert.Equal(Ulid.MaxValue, Ulid.Parse(MaxString.ToLowerInvariant()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FA")]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAVX")]
    public void Parse_WrongLength_ThrowsFormatException(string s)
    {
        var ex = Assert.Throws<FormatException>(() => Ulid.Parse(s));

        Assert.Contains("26", ex.Message, StringComparison.Ordinal);
        Assert.Contains(s.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.False(Ulid.TryParse(s, out _));
    }

    [Theory]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FAU", 25)]
    [InlineData("I1ARYZ6S41TSV4RRFFQ69G5FAV", 0)]
    [InlineData("0LARYZ6S41TSV4RRFFQ69G5FAV", 1)]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FOV", 24)]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5FiV", 24)]
    [InlineData("01ARYZ6S41-SV4RRFFQ69G5FAV", 10)]
    [InlineData("01ARYZ6S41TSV4RR FQ69G5FAV", 16)]
    [InlineData("01ARYZ6S41TSV4RRFFQ69G5F\u00C9V", 24)]
    public void Parse_InvalidCharacter_ThrowsNamingPosition(string s, int position)
    {
        var ex = Assert.Throws<FormatException>(() => Ulid.Parse(s));

        Assert.Contains($"position {position}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{s[position]}'", ex.Message, StringComparison.Ordinal);
        Assert.False(Ulid.TryParse(s, out _));
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Ulid.Parse(null!));
    }

    [Fact]
    public void TryParse_NullOrValid_ReportsResult()
    {
        Assert.False(Ulid.TryParse(null, out var none));
        Assert.Equal(Ulid.MinValue, none);

        Assert.True(Ulid.TryParse(ImplVector, out var u));
        Assert.Equal(ImplVectorMs, u.TimestampMs);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(1L << 48)]
    [InlineData(long.MaxValue)]
    public void Ctor_TimestampOutOfRange_ThrowsArgumentOutOfRange(long ms)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ulid(ms, new byte[10]));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    public void Ctor_RandomnessNotTenBytes_ThrowsArgumentException(int length)
    {
        Assert.Throws<ArgumentException>(() => new Ulid(0, new byte[length]));
    }

    [Fact]
    public void Ctor_TimestampAndRandomness_LaidOutBigEndian()
    {
        byte[] randomness = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        var u = new Ulid(0x0102_0304_0506, randomness);

        Assert.Equal("0102030405060102030405060708090A", Convert.ToHexString(u.ToByteArray()));
        Assert.Equal(0x0102_0304_0506, u.TimestampMs);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(17)]
    public void FromBytes_NotSixteenBytes_ThrowsArgumentException(int length)
    {
        Assert.Throws<ArgumentException>(() => Ulid.FromBytes(new byte[length]));
    }

    [Fact]
    public void WriteBytes_DestinationTooShort_ThrowsArgumentException()
    {
        var u = Ulid.Parse(SpecExample);

        Assert.Throws<ArgumentException>(() => u.WriteBytes(new byte[15]));
    }

    [Fact]
    public void WriteBytes_LargerDestination_WritesFirstSixteenBytes()
    {
        var dest = new byte[20];

        Ulid.MaxValue.WriteBytes(dest);

        Assert.All(dest[..16], b => Assert.Equal(0xFF, b));
        Assert.All(dest[16..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Time_SpecExample_IsUtcMillisecondTime()
    {
        var u = Ulid.Parse(SpecExample);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(SpecExampleMs), u.Time);
        Assert.Equal(TimeSpan.Zero, u.Time.Offset);
    }

    [Fact]
    public void Time_BeyondDateTimeOffsetMax_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ulid.MaxValue.Time);
    }

    [Fact]
    public void Operators_OrderedValues_CompareLikeBytes()
    {
        var a = Ulid.Parse(SpecExample);
        var b = Ulid.Parse(ImplVector);
        var a2 = Ulid.Parse(SpecExample.ToLowerInvariant());

        Assert.True(a < b);
        Assert.True(b > a);
        Assert.True(a <= a2 && a >= a2);
        Assert.True(a == a2);
        Assert.True(a != b);
        Assert.Equal(a.GetHashCode(), a2.GetHashCode());
        Assert.True(a.Equals((object)a2));
        Assert.False(a.Equals("not a ulid"));
        Assert.Equal(0, a.CompareTo(a2));
        Assert.True(a.CompareTo(b) < 0);
    }

    [Fact]
    public void RoundTrip_RandomValues_BytesStringBytesAreIdentical()
    {
        var rng = new Random(20240611);
        var bytes = new byte[16];
        for (var i = 0; i < 5_000; i++)
        {
            rng.NextBytes(bytes);
            bytes[0] &= (byte)(i % 2 == 0 ? 0xFF : 0x0F); // mix full-range and small timestamps

            var u = Ulid.FromBytes(bytes);
            var s = u.ToString();
            var parsed = Ulid.Parse(s);

            Assert.Equal(26, s.Length);
            Assert.Equal(s.ToUpperInvariant(), s);
            Assert.Equal(u, parsed);
            Assert.Equal(bytes, parsed.ToByteArray());
            Assert.Equal(u, Ulid.Parse(s.ToLowerInvariant()));
            Assert.Equal((long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16), u.TimestampMs);
        }
    }

    [Fact]
    public void CompareTo_RandomPairs_MatchesOrdinalStringOrder()
    {
        var rng = new Random(42);
        var x = new byte[16];
        var y = new byte[16];
        for (var i = 0; i < 5_000; i++)
        {
            rng.NextBytes(x);
            rng.NextBytes(y);
            if (i % 3 == 0)
            {
                x.AsSpan(0, 8).CopyTo(y); // force ties in the high half
            }

            var a = Ulid.FromBytes(x);
            var b = Ulid.FromBytes(y);

            var expected = Math.Sign(x.AsSpan().SequenceCompareTo(y));
            Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
            Assert.Equal(expected, Math.Sign(string.CompareOrdinal(a.ToString(), b.ToString())));
        }
    }
}

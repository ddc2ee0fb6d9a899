using System.Globalization;
using Cutover.Transform;
using Cutover.Values;

namespace Cutover.Core.Tests.Transform;

public class ValueCasterTests
{
    private static object? Cast(object? v, Affinity to)
    {
        Assert.True(ValueCaster.TryCast(v, to, out var result, out var reason), reason);
        Assert.Equal("", reason);
        return result;
    }

    private static string Refuse(object? v, Affinity to)
    {
        Assert.False(ValueCaster.TryCast(v, to, out _, out var reason));
        Assert.NotEqual("", reason);
        return reason;
    }

    [Theory]
    [InlineData(Affinity.Integer)]
    [InlineData(Affinity.Real)]
    [InlineData(Affinity.Text)]
    [InlineData(Affinity.Numeric)]
    [InlineData(Affinity.Blob)]
    public void TryCast_Null_PassesThroughForEveryAffinity(Affinity to)
    {
        Assert.Null(Cast(null, to));
    }

    [Theory]
    [InlineData("12", 12L)]
    [InlineData(" -7 ", -7L)]
    [InlineData("12.0", 12L)]
    [InlineData("1e3", 1000L)]
    public void TryCast_WholeNumberTextToInteger_GivesLong(string text, long expected)
    {
        Assert.Equal(expected, Assert.IsType<long>(Cast(text, Affinity.Integer)));
    }

    [Fact]
    public void TryCast_FractionalTextToInteger_FailsWithReason()
    {
        Assert.Equal("'12.5' is not a whole number", Refuse("12.5", Affinity.Integer));
    }

    [Fact]
    public void TryCast_TextWithTinyFractionToInteger_IsRefusedNotRounded()
    {
        // 12.000000000000000001 parses to the double 12.0; casting it to 12 would lose the fraction.
        Refuse("12.000000000000000001", Affinity.Integer);
    }

    [Fact]
    public void TryCast_WholeRealToInteger_GivesLong()
    {
        Assert.Equal(3L, Assert.IsType<long>(Cast(3.0, Affinity.Integer)));
        Assert.Equal(0L, Assert.IsType<long>(Cast(-0.0, Affinity.Integer)));
    }

    [Theory]
    [InlineData(3.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(9.2233720368547758E18)] // 2^63: one past long.MaxValue
    public void TryCast_RealThatIsNotAnExactLong_IsRefused(double d)
    {
        Refuse(d, Affinity.Integer);
    }

    [Fact]
    public void TryCast_SmallestLongAsReal_GivesLongMinValue()
    {
        Assert.Equal(long.MinValue, Cast(-9.2233720368547758E18, Affinity.Integer));
    }

    [Fact]
    public void TryCast_BlobToInteger_IsRefused()
    {
        Assert.Equal("a 2-byte BLOB is not a whole number", Refuse(new byte[] { 1, 2 }, Affinity.Integer));
    }

    [Fact]
    public void TryCast_TextNotANumberToReal_FailsWithReason()
    {
        Assert.Equal("'abc' is not a number", Refuse("abc", Affinity.Real));
    }

    [Fact]
    public void TryCast_TextToReal_ParsesInvariant()
    {
        Assert.Equal(1.5, Assert.IsType<double>(Cast("1.5", Affinity.Real)));
        Refuse("1,5", Affinity.Real);
        Refuse("1e999", Affinity.Real); // overflows to infinity
    }

    [Fact]
    public void TryCast_LongToReal_ExactWithin53Bits()
    {
        Assert.Equal(9007199254740992.0, Cast(1L << 53, Affinity.Real));
        Refuse((1L << 53) + 1, Affinity.Real);
    }

    [Fact]
    public void TryCast_LongMaxValueToReal_IsRefused()
    {
        // 2^63 - 1 has no double; the nearest is 2^63, which is not the same number.
        Refuse(long.MaxValue, Affinity.Real);
    }

    [Fact]
    public void TryCast_LongToText_IsInvariantDigits()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            // A culture whose minus sign is '~' shows whether the current culture leaks into the text.
            var odd = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            odd.NumberFormat.NegativeSign = "~";
            CultureInfo.CurrentCulture = odd;
            Assert.Equal("-1234567", Cast(-1234567L, Affinity.Text));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0 / 3.0)]
    [InlineData(1e300)]
    [InlineData(-2.5e-8)]
    public void TryCast_RealToText_RoundTripsExactly(double d)
    {
        var text = Assert.IsType<string>(Cast(d, Affinity.Text));

        Assert.Equal(d, double.Parse(text, CultureInfo.InvariantCulture));
        Assert.DoesNotContain(",", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCast_Utf8BlobToText_DecodesIt()
    {
        Assert.Equal("é", Cast(new byte[] { 0xC3, 0xA9 }, Affinity.Text));
    }

    [Fact]
    public void TryCast_InvalidUtf8BlobToText_Fails()
    {
        Assert.Equal("a BLOB that is not UTF-8 text cannot become TEXT", Refuse(new byte[] { 0xC3 }, Affinity.Text));
    }

    [Fact]
    public void TryCast_RawTextToText_KeepsTheBytes()
    {
        var raw = new RawText([0xFF]);

        Assert.Same(raw, Cast(raw, Affinity.Text));
    }

    [Fact]
    public void TryCast_Numeric_PrefersIntegerThenReal()
    {
        Assert.Equal(12L, Cast("12", Affinity.Numeric));
        Assert.Equal(12.5, Cast("12.5", Affinity.Numeric));
        Assert.Equal("abc", Cast("abc", Affinity.Numeric));
        Assert.Equal("2026-01-05T10:00:00Z", Cast("2026-01-05T10:00:00Z", Affinity.Numeric));
    }

    [Fact]
    public void TryCast_ToBlob_LeavesValueAlone()
    {
        Assert.Equal("x", Cast("x", Affinity.Blob));
    }
}

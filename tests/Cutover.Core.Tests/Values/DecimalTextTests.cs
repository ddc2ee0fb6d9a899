using Cutover.Values;

namespace Cutover.Core.Tests.Values;

public class DecimalTextTests
{
    [Theory]
    [InlineData("12.50", "12.5", 2, 1)]
    [InlineData("012.5", "12.5", 2, 1)]
    [InlineData("1.25e1", "12.5", 2, 1)]
    [InlineData("1E2", "100", 3, 0)]
    [InlineData("100", "100", 3, 0)]
    [InlineData("-0", "0", 0, 0)]
    [InlineData("-0.000", "0", 0, 0)]
    [InlineData("0.0", "0", 0, 0)]
    [InlineData(".5", "0.5", 0, 1)]
    [InlineData("5.", "5", 1, 0)]
    [InlineData("+7", "7", 1, 0)]
    [InlineData("-1.5E-3", "-0.0015", 0, 4)]
    [InlineData("1E-20", "0.00000000000000000001", 0, 20)]
    [InlineData("123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789", 30, 9)]
        public void TryNormalize_Number_IsCanonicalWithDigitCounts(string text, string expected, int integerDigits, int fractionDigits)
    {
        Assert.True(DecimalText.TryNormalize(text, out var canonical, out var i, out var f, out var reason), reason);
        Assert.Equal(expected, canonical);
        Assert.Equal(integerDigits, i);
        Assert.Equal(fractionDigits, f);
    }

    [Fact]
    public void TryNormalize_LargestDouble_IsItsExactDecimal()
    {
        Assert.True(DecimalText.TryNormalize("1.7976931348623157E+308", out var canonical, out var i, out _, out _));
        Assert.Equal("17976931348623157" + new string('0', 309 - 17), canonical);
        Assert.Equal(309, i);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("0x10")]
    [InlineData("NaN")]
    public void TryNormalize_NotANumber_IsRefused(string text)
    {
        Assert.False(DecimalText.TryNormalize(text, out _, out _, out _, out var reason));
        Assert.Contains("not a number", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e131072")]
    [InlineData("1e-16384")]
    [InlineData("1e999999999999")]
    public void TryNormalize_BeyondNumericRange_IsRefusedWithoutBuildingIt(string text)
    {
        Assert.False(DecimalText.TryNormalize(text, out _, out _, out _, out var reason));
        Assert.Contains("outside the range of PostgreSQL numeric", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryNormalize_LargestNumericExponent_IsAccepted()
    {
        Assert.True(DecimalText.TryNormalize("1e131071", out var canonical, out var digits, out _, out _));
        Assert.Equal(131072, digits);
        Assert.Equal(131072, canonical.Length);
    }
}

using Cutover.Values;

namespace Cutover.Core.Tests.Values;

public class NumericTests
{
    [Fact]
    public void Parse_KeepsTextButComparesByValue()
    {
        var a = Numeric.Parse("12.50");
        var b = Numeric.Parse("12.5");
        Assert.Equal("12.50", a.Text);
        Assert.Equal("12.5", a.Canonical);
        Assert.Equal(a, b);
        Assert.NotEqual(a, Numeric.Parse("12.51"));
    }

    [Theory]
    [InlineData("NaN", "NaN")]
    [InlineData("Infinity", "Infinity")]
    [InlineData("-Infinity", "-Infinity")]
    [InlineData("inf", "Infinity")]
    public void Parse_SpecialValues_HaveOneCanonicalSpelling(string text, string canonical)
    {
        var n = Numeric.Parse(text);
        Assert.Equal(canonical, n.Canonical);
        Assert.False(n.IsFinite);
    }

    [Fact]
    public void FromDouble_IsTheShortestRoundTripDecimal()
    {
        Assert.Equal("0.1", Numeric.FromDouble(0.1).Canonical);
        Assert.Equal("0.30000000000000004", Numeric.FromDouble(0.1 + 0.2).Canonical);
        Assert.Equal("-12.5", Numeric.FromDouble(-12.5).Canonical);
        Assert.Equal("NaN", Numeric.FromDouble(double.NaN).Canonical);
        Assert.Equal(Numeric.Parse("9223372036854775807"), Numeric.FromInteger(long.MaxValue));
    }

    [Fact]
    public void TryParse_Text_IsRefusedWithReason()
    {
        Assert.False(Numeric.TryParse("12,50", out _, out var reason));
        Assert.Equal("is not a number", reason);
    }
}

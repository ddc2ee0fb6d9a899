using Cutover.Values;

namespace Cutover.Core.Tests.Values;

public class DateTests
{
    [Theory]
    [InlineData("2000-01-01", 0)]
    [InlineData("2000-01-02", 1)]
    [InlineData("1999-12-31", -1)]
    [InlineData("1970-01-01", -10957)]
    [InlineData("2024-02-29", 8825)]
    public void TryParseIso_CountsDaysFromPostgresEpoch(string text, int days)
    {
        Assert.True(Date.TryParseIso(text, out var d, out var reason), reason);
        Assert.Equal(days, d.Days);
        Assert.Equal(text, d.ToString());
    }

    [Theory]
    [InlineData("2024-05-01 00:00:00")]
    [InlineData("2024-05-01T00:00Z")]
    [InlineData("2023-02-29")]
    [InlineData("20240501")]
    [InlineData("")]
    public void TryParseIso_NotExactlyADate_IsRefused(string text)
    {
        Assert.False(Date.TryParseIso(text, out _, out var reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void ToString_Infinities_UsePostgresSpelling()
    {
        Assert.Equal("infinity", Date.Infinity.ToString());
        Assert.Equal("-infinity", Date.MinusInfinity.ToString());
        Assert.Equal("-4713-11-24", new Date(-2451545).ToString());
    }
}

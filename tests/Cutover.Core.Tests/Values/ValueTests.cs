using Cutover.Values;

namespace Cutover.Core.Tests.Values;

public class ValueTests
{
    [Fact]
    public void DisplayKey_SingleValue_HasNoParentheses()
    {
        Assert.Equal("42", Value.DisplayKey([42L]));
        Assert.Equal("abc", Value.DisplayKey(["abc"]));
    }

    [Fact]
    public void DisplayKey_Composite_IsParenthesizedList()
    {
        Assert.Equal("(1, a, NULL, 2.5, x'00FF')", Value.DisplayKey([1L, "a", null, 2.5, new byte[] { 0, 255 }]));
    }

    [Fact]
    public void Display_Real_IsRoundTripInvariant()
    {
        Assert.Equal("0.1", Value.Display(0.1));
        Assert.Equal("-1E+20", Value.Display(-1e20));
    }

    [Fact]
    public void Display_RawText_ShowsHexAndSaysInvalid()
    {
        Assert.Equal("0x61FF (invalid UTF-8 text)", Value.Display(new RawText([0x61, 0xFF])));
    }
}

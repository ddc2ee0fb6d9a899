using Cutover.Values;

namespace Cutover.Core.Tests.Values;

public class JsonTests
{
    private static string Canonical(string text)
    {
        Assert.True(Json.TryParse(text, out var json, out var reason), reason);
        return json!.Canonical;
    }

    [Fact]
    public void TryParse_WhitespaceAndKeyOrder_AreNormalised()
    {
        Assert.Equal("{\"a\":[1,2.5,\"x\"],\"b\":1,\"n\":null}", Canonical(" { \"b\": 1,\n \"a\": [1, 2.50, \"x\"], \"n\": null } "));
        Assert.Equal(Canonical("{\"b\":1,\"a\":2}"), Canonical("{\"a\":2,\"b\":1}"));
    }

    [Fact]
    public void TryParse_DuplicateKeys_LastOneWinsAsInJsonb()
    {
        Assert.Equal("{\"a\":2}", Canonical("{\"a\":1,\"a\":2}"));
    }

    [Fact]
    public void TryParse_Numbers_AreComparedByValue()
    {
        // jsonb prints 1e2 as 100 and keeps 1.50 as 1.50; both sides canonicalise to the same text.
        Assert.Equal("[100,1.5,0,-0.001]", Canonical("[1e2, 1.50, -0, -1E-3]"));
        Assert.Equal(Canonical("[100, 1.50]"), Canonical("[1E+2, 1.5]"));
    }

    [Fact]
    public void TryParse_Strings_UnescapedThenEscapedOneWay()
    {
        Assert.Equal("\"é\\n\\\"\\\\\\u0001\"", Canonical("\"\\u00e9\\n\\\"\\\\\\u0001\""));
        Assert.Equal("\"😀\"", Canonical("\"\\ud83d\\ude00\""));
    }

    [Fact]
    public void TryParse_KeysSortByCodePoint_NotUtf16Units()
    {
        // U+FF5E sorts before U+1F600 by code point, though its UTF-16 unit (FF5E) is above the surrogate D83D.
        Assert.Equal("{\"～\":1,\"😀\":2}", Canonical("{\"😀\":2,\"～\":1}"));
    }

    [Fact]
    public void TryParse_Scalars_AreJsonToo()
    {
        Assert.Equal("1", Canonical("1"));
        Assert.Equal("\"x\"", Canonical("\"x\""));
        Assert.Equal("true", Canonical(" true"));
        Assert.Equal("null", Canonical("null"));
    }

    [Theory]
    [InlineData("{a:1}", "not valid JSON")]
    [InlineData("{\"a\":1,}", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1] [2]", "not valid JSON")]
    [InlineData("\"\\ud800\"", "not valid JSON")]
    [InlineData("\"a\\u0000b\"", "\\u0000")]
    [InlineData("{\"a\\u0000\":1}", "\\u0000")]
    [InlineData("[1e999999]", "outside the range of PostgreSQL numeric")]
    public void TryParse_WhatJsonbCannotHold_IsRefusedWithReason(string text, string reason)
    {
        Assert.False(Json.TryParse(text, out _, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DeeperThanTheLimit_IsRefused()
    {
        var deep = new string('[', Json.MaxDepth + 1) + new string(']', Json.MaxDepth + 1);
        Assert.False(Json.TryParse(deep, out _, out _));
        var ok = new string('[', Json.MaxDepth) + new string(']', Json.MaxDepth);
        Assert.True(Json.TryParse(ok, out _, out var reason), reason);
    }

    [Fact]
    public void FromNumber_IsTheCanonicalNumber()
    {
        Assert.Equal("42", Json.FromNumber(42).Canonical);
        Assert.True(Json.TryFromNumber(1e-7, out var j, out _));
        Assert.Equal("0.0000001", j!.Canonical);
        Assert.Equal("0.0000001", j.Text);
        Assert.False(Json.TryFromNumber(double.NaN, out _, out _));
    }

    [Fact]
    public void TryParse_KeepsTheTextAsReadButComparesByValue()
    {
        Assert.True(Json.TryParse("{ \"a\": 2.50 }", out var a, out _));
        Assert.True(Json.TryParse("{\"a\":2.5}", out var b, out _));
        Assert.Equal("{ \"a\": 2.50 }", a!.Text);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b!.GetHashCode());
    }
}

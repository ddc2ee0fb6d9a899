using Cutover.Ids;

namespace Cutover.Core.Tests.Ids;

public class TimeSourceTests
{
    // 2024-01-01T00:00:00Z is 1704067200 s after the epoch; + 1 day (86400) + 3h04m05s (11045) = 1704164645.
    private const long Seconds = 1704164645L;
    private const long Ms = Seconds * 1000;

    private static long Get(object? v)
    {
        Assert.True(TimeSource.TryGetMilliseconds(v, out var ms));
        return ms;
    }

    private static void Refuse(object? v) => Assert.False(TimeSource.TryGetMilliseconds(v, out _));

    [Fact]
    public void TryGetMilliseconds_IsoWithZ_IsUtc()
    {
        Assert.Equal(Ms, Get("2024-01-02T03:04:05Z"));
    }

    [Fact]
    public void TryGetMilliseconds_IsoWithoutOffset_IsTakenAsUtc()
    {
        Assert.Equal(Ms, Get("2024-01-02T03:04:05"));
        Assert.Equal(Ms, Get("2024-01-02 03:04:05"));
    }

    [Fact]
    public void TryGetMilliseconds_IsoWithOffset_IsConvertedToUtc()
    {
        Assert.Equal(Ms, Get("2024-01-02T05:04:05+02:00"));
    }

    [Fact]
    public void TryGetMilliseconds_IsoWithFraction_KeepsMilliseconds()
    {
        Assert.Equal(Ms + 123, Get("2024-01-02T03:04:05.123Z"));
    }

    [Fact]
    public void TryGetMilliseconds_EpochSeconds_Multiplied()
    {
        Assert.Equal(Ms, Get(Seconds));
    }

    [Fact]
    public void TryGetMilliseconds_EpochMilliseconds_KeptAsIs()
    {
        Assert.Equal(Ms + 7, Get(Ms + 7));
    }

    [Fact]
    public void TryGetMilliseconds_AtThreshold_SecondsUpTo10To11()
    {
        Assert.Equal(100_000_000_000_000L, Get(100_000_000_000L));
        Assert.Equal(100_000_000_001L, Get(100_000_000_001L));
    }

    [Fact]
    public void TryGetMilliseconds_NumericString_IsEpochNumber()
    {
        Assert.Equal(Ms, Get(Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(Ms, Get(Ms.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void TryGetMilliseconds_RealSeconds_KeepsFraction()
    {
        Assert.Equal(Ms + 500, Get(Seconds + 0.5));
    }

    [Theory]
    [InlineData("not a date")]
    [InlineData("")]
    [InlineData("2024-13-45")]
    public void TryGetMilliseconds_Garbage_IsFalse(string text)
    {
        Refuse(text);
    }

    [Fact]
    public void TryGetMilliseconds_BeforeEpoch_IsFalse()
    {
        Refuse(-5L);
        Refuse("-5");
        Refuse(-0.5);
        Refuse("1969-12-31T23:59:59Z");
    }

    [Fact]
    public void TryGetMilliseconds_NullBlobOrNaN_IsFalse()
    {
        Refuse(null);
        Refuse(new byte[] { 1 });
        Refuse(double.NaN);
        Refuse(double.PositiveInfinity);
    }

    [Fact]
    public void TryGetMilliseconds_TimestampOrDate_IsThatInstant()
    {
        Assert.True(Cutover.Values.Timestamp.TryParseIso("2024-01-05T10:00:00.123456Z", out var t, out _));
        Assert.True(TimeSource.TryGetMilliseconds(t, out var ms));
        Assert.Equal(1704448800123L, ms);
        Assert.True(TimeSource.TryGetMilliseconds(new Cutover.Values.Date(8770), out var day));
        Assert.Equal(1704412800000L, day); // 2024-01-05T00:00:00Z
        Assert.False(TimeSource.TryGetMilliseconds(Cutover.Values.Timestamp.Infinity, out _));
    }
}

using Cutover.Values;

namespace Cutover.Core.Tests.Values;

public class TimestampTests
{
    private static Timestamp Iso(string text)
    {
        Assert.True(Timestamp.TryParseIso(text, out var t, out var reason), $"{text}: {reason}");
        return t;
    }

    [Theory]
    [InlineData("2024-05-01 12:34:56", "2024-05-01T12:34:56.000000Z")]
    [InlineData("2024-05-01T12:34:56Z", "2024-05-01T12:34:56.000000Z")]
    [InlineData("2024-05-01t12:34:56z", "2024-05-01T12:34:56.000000Z")]
    [InlineData("2024-05-01T14:34:56+02:00", "2024-05-01T12:34:56.000000Z")]
    [InlineData("2024-05-01T14:34:56+0200", "2024-05-01T12:34:56.000000Z")]
    [InlineData("2024-05-01 14:34:56 +02", "2024-05-01T12:34:56.000000Z")]
    [InlineData("2024-05-01T08:04:56-04:30", "2024-05-01T12:34:56.000000Z")]
    [InlineData("2024-05-01 12:34", "2024-05-01T12:34:00.000000Z")]
    [InlineData("2024-05-01", "2024-05-01T00:00:00.000000Z")]
    [InlineData("2024-05-01 12:34:56.7", "2024-05-01T12:34:56.700000Z")]
    [InlineData("2024-05-01 12:34:56.123456", "2024-05-01T12:34:56.123456Z")]
    [InlineData("2024-05-01 12:34:56.1234560000", "2024-05-01T12:34:56.123456Z")]
    [InlineData("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z")]
    [InlineData("0001-01-01 00:00:00", "0001-01-01T00:00:00.000000Z")]
    [InlineData("9999-12-31 23:59:59.999999", "9999-12-31T23:59:59.999999Z")]
    [InlineData("2000-02-29 00:00:00", "2000-02-29T00:00:00.000000Z")]
    [InlineData("1969-12-31 23:59:59.5", "1969-12-31T23:59:59.500000Z")]
    [InlineData("0000-01-01 00:00:00+01:00", "-0001-12-31T23:00:00.000000Z")]
    public void TryParseIso_AcceptedForms_PrintInTheOneTextForm(string text, string expected)
    {
        Assert.Equal(expected, Iso(text).ToString());
    }

    [Theory]
    [InlineData("2024-05-01 12:34:56.1234567", "finer than a microsecond")]
    [InlineData("2024-02-30", "there is no day 2024-02-30")]
    [InlineData("1900-02-29 00:00", "there is no day")]
    [InlineData("2024-13-01", "there is no day")]
    [InlineData("2024-05-01 24:00:00", "time of day")]
    [InlineData("2024-05-01 23:59:60", "time of day")]
    [InlineData("2024-05-01 12:00:00+24:00", "offset out of range")]
    [InlineData("1714566896", "not ISO-8601")]
    [InlineData("05/01/2024", "not ISO-8601")]
    [InlineData("2024-5-1", "not ISO-8601")]
    [InlineData("2024-05-01 12", "not ISO-8601")]
    [InlineData("2024-05-01 12:00:00 UTC", "not ISO-8601")]
    [InlineData(" 2024-05-01", "not ISO-8601")]
    [InlineData("2024-05-01 ", "not ISO-8601")]
    [InlineData("2024-05-01 12:00:00.", "not ISO-8601")]
    [InlineData("last tuesday", "not ISO-8601")]
    public void TryParseIso_AnythingElse_IsRefusedWithReason(string text, string reason)
    {
        Assert.False(Timestamp.TryParseIso(text, out _, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Microseconds_CountFromPostgresEpoch()
    {
        Assert.Equal(0, Iso("2000-01-01 00:00:00").Microseconds);
        Assert.Equal(-Timestamp.UnixToPostgres, Iso("1970-01-01 00:00:00").Microseconds);
        Assert.Equal(1_000_001, Iso("2000-01-01 00:00:01.000001").Microseconds);
    }

    [Fact]
    public void TryFromUnixMicroseconds_OutsidePostgresRange_IsRefused()
    {
        Assert.True(Timestamp.TryFromUnixMicroseconds(0, out var epoch));
        Assert.Equal("1970-01-01T00:00:00.000000Z", epoch.ToString());
        Assert.False(Timestamp.TryFromUnixMicroseconds(long.MinValue, out _));
        Assert.False(Timestamp.TryFromUnixMicroseconds(Timestamp.MinMicroseconds + Timestamp.UnixToPostgres - 1, out _));
        Assert.True(Timestamp.TryFromUnixMicroseconds(Timestamp.MinMicroseconds + Timestamp.UnixToPostgres, out var lowest));
        Assert.Equal(Timestamp.MinMicroseconds, lowest.Microseconds);
        // Every Unix microsecond count up to long.MaxValue (year 294247) is inside PostgreSQL's range.
        Assert.True(Timestamp.TryFromUnixMicroseconds(long.MaxValue, out var highest));
        Assert.True(highest.IsFinite);
    }

    [Fact]
    public void ToString_OutsideFourDigitYears_UsesExpandedIsoYears()
    {
        Assert.Equal("infinity", Timestamp.Infinity.ToString());
        Assert.Equal("-infinity", Timestamp.MinusInfinity.ToString());
        // PostgreSQL's lowest timestamp, 4714-11-24 00:00 BC, is astronomical year -4713.
        Assert.Equal("-4713-11-24T00:00:00.000000Z", new Timestamp(Timestamp.MinMicroseconds).ToString());
        Assert.Equal("+294276-12-31T23:59:59.999999Z", new Timestamp(Timestamp.EndMicroseconds - 1).ToString());
    }

    [Fact]
    public void ToString_AgreesWithDateTimeAcrossItsRange()
    {
        var rng = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var dt = new DateTime(DateTime.MinValue.Ticks + (long)(rng.NextDouble() * (DateTime.MaxValue.Ticks - DateTime.MinValue.Ticks)), DateTimeKind.Utc);
            dt = dt.AddTicks(-(dt.Ticks % 10));
            var micros = (dt.Ticks - new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks) / 10;
            var t = new Timestamp(micros);
            Assert.Equal(dt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture), t.ToString());
            Assert.Equal(t, Iso(t.ToString()));
        }
    }
}

using Cutover.Core.Tests.Support;
using Cutover.Errors;
using Cutover.Plan;
using Cutover.Transform;
using Cutover.Values;
using static Cutover.Core.Tests.Support.Schemas;

namespace Cutover.Core.Tests.Transform;

public class TypedConverterTests
{
    private static object? Convert(object? value, ColumnConversion conversion)
    {
        Assert.True(TypedConverter.TryConvert(value, conversion, out var result, out var reason), reason);
        return result;
    }

    private static string Refused(object? value, ColumnConversion conversion)
    {
        Assert.False(TypedConverter.TryConvert(value, conversion, out var result, out var reason));
        Assert.Null(result);
        return reason;
    }

    [Fact]
    public void IsoTimestamp_Text_BecomesTheInstant()
    {
        var t = Assert.IsType<Timestamp>(Convert("2024-05-01T14:00:00+02:00", ColumnConversion.IsoTimestamp));
        Assert.Equal("2024-05-01T12:00:00.000000Z", t.ToString());
        Assert.Null(Convert(null, ColumnConversion.IsoTimestamp));
    }

    [Fact]
    public void IsoTimestamp_NotIso_IsRefusedNamingTheValue()
    {
        Assert.StartsWith("'05/01/2024' is not ISO-8601", Refused("05/01/2024", ColumnConversion.IsoTimestamp), StringComparison.Ordinal);
        Assert.Equal("1714566896 is a number, not an ISO-8601 date and time; if the column holds Unix times, set dates: epoch_seconds or epoch_ms for it",
            Refused(1714566896L, ColumnConversion.IsoTimestamp));
        Assert.Equal("holds text that is not valid UTF-8", Refused(new RawText([0xFF]), ColumnConversion.IsoTimestamp));
        Assert.Equal("a 2-byte BLOB is not an ISO-8601 date and time", Refused(new byte[] { 1, 2 }, ColumnConversion.IsoTimestamp));
    }

    [Fact]
    public void IsoDate_OnlyDates()
    {
        Assert.Equal(new Date(0), Convert("2000-01-01", ColumnConversion.IsoDate));
        Assert.Contains("a DATE column under dates: iso holds YYYY-MM-DD", Refused("2000-01-01 10:00", ColumnConversion.IsoDate), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1714566896L, "2024-05-01T12:34:56.000000Z")]
    [InlineData(0L, "1970-01-01T00:00:00.000000Z")]
    [InlineData(-86400L, "1969-12-31T00:00:00.000000Z")]
    [InlineData("1714566896", "2024-05-01T12:34:56.000000Z")]
    [InlineData(1714566896.25, "2024-05-01T12:34:56.250000Z")]
    [InlineData(1714566896.123456, "2024-05-01T12:34:56.123456Z")]
    public void EpochSeconds_NumbersAndNumericText_BecomeInstants(object value, string expected)
    {
        Assert.Equal(expected, Convert(value, ColumnConversion.EpochSeconds)!.ToString());
    }

    [Fact]
    public void EpochMilliseconds_Integers_BecomeInstants()
    {
        Assert.Equal("2024-05-01T12:34:56.789000Z", Convert(1714566896789L, ColumnConversion.EpochMilliseconds)!.ToString());
    }

    [Fact]
    public void Epoch_NotANumberOrOutOfRange_IsRefused()
    {
        Assert.Equal("'2024-05-01' is not a number of Unix seconds", Refused("2024-05-01", ColumnConversion.EpochSeconds));
        Assert.Equal("9223372036854775807 Unix milliseconds is outside PostgreSQL's timestamp range", Refused(long.MaxValue, ColumnConversion.EpochMilliseconds));
        Assert.Contains("outside PostgreSQL's timestamp range", Refused(-1e300, ColumnConversion.EpochSeconds), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_TextAndNumbers_BecomeJsonValues()
    {
        Assert.Equal("{\"a\":1,\"b\":[true,null]}", Assert.IsType<Json>(Convert("{\"b\": [true, null], \"a\": 1}", ColumnConversion.Json)).Canonical);
        // SQLite's NUMERIC affinity stored the JSON document 2.5 as a REAL.
        Assert.Equal("2.5", Assert.IsType<Json>(Convert(2.5, ColumnConversion.Json)).Text);
        Assert.Equal("7", Assert.IsType<Json>(Convert(7L, ColumnConversion.Json)).Text);
        Assert.StartsWith("'{a: 1}' is not valid JSON", Refused("{a: 1}", ColumnConversion.Json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowTransformer_UnparsableValue_IsRowRejectedWithColumnReasonAndOption()
    {
        var t = Table("t", [Col("id", pk: 1), Col("at", "DATETIME"), Col("meta", "JSON")]);
        var (plan, _) = Plans.Parse("source: sqlite:a.db", "target: sqlite:b.db", "types: { dates: iso, json: jsonb }", "entities:", "  - table: t");
        var (bound, _) = PlanBinder.Bind(plan!, Db(t));
        var rows = await new RowTransformer(bound[0], null).TransformAsync(
            [[1L, "2024-05-01 10:00", "{}"], [2L, "yesterday", "{}"], [3L, "2024-05-01", "{oops"]], CancellationToken.None);

        Assert.True(rows[0].Ok);
        Assert.IsType<Timestamp>(rows[0].Target![1]);
        Assert.IsType<Json>(rows[0].Target![2]);
        Assert.Equal(ErrorCodes.RowRejected, rows[1].Code);
        Assert.StartsWith("at: 'yesterday' is not ISO-8601", rows[1].Message, StringComparison.Ordinal);
        Assert.EndsWith("(dates: iso)", rows[1].Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.RowRejected, rows[2].Code);
        Assert.StartsWith("meta: '{oops' is not valid JSON", rows[2].Message, StringComparison.Ordinal);
        Assert.EndsWith("(json: jsonb)", rows[2].Message, StringComparison.Ordinal);
    }
}

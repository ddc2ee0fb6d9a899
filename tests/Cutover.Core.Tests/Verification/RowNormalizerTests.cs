using Cutover.Core.Tests.Support;
using Cutover.Values;
using Cutover.Verification;
using static Cutover.Core.Tests.Verification.Normalizers;

namespace Cutover.Core.Tests.Verification;

/// <summary>
/// Each rule removes the false mismatch it is for, and nothing else: every "differs" case is a real difference the rule must
/// not hide. A pair that is the same must also hash alike (except doubles straddling a grid line), and a pair that differs
/// must hash apart.
/// </summary>
public class RowNormalizerTests
{
    private static readonly RowNormalizer N = ForOrders();

    private static void AssertSame(int column, object? source, object? target)
    {
        Assert.True(N.Same(column, source, target), $"{Value.Display(source)} vs {Value.Display(target)} should be the same");
        Assert.True(HashAlike(N, column, source, target), "values that are the same should hash alike");
    }

    private static void AssertDiffers(int column, object? source, object? target)
    {
        Assert.False(N.Same(column, source, target), $"{Value.Display(source)} vs {Value.Display(target)} should differ");
        Assert.False(HashAlike(N, column, source, target), "values that differ must not hash alike");
    }

    // timestamps: ms, time_zone: +02:00

    [Fact]
    public void Timestamps_TextWithOffsetAgainstInstant_SameToTheMillisecond() =>
        AssertSame(PlacedAt, "2024-05-01T14:00:00.123456+02:00", Ts("2024-05-01T12:00:00.123Z"));

    [Theory]
    [InlineData("2024-05-01 14:00:00.123")]
    [InlineData("2024-05-01T14:00:00.1239")]
    [InlineData("2024-05-01 12:00:00.123Z")]
    [InlineData("2024-05-01 12:00:00.123+00")]
    [InlineData("2024-05-01T10:00:00.123-0200")]
    public void Timestamps_TextForms_ReadInTheirOffsetOrTheRulesZone(string text) =>
        AssertSame(PlacedAt, text, Ts("2024-05-01T12:00:00.123999Z"));

    [Fact]
    public void Timestamps_TwoTexts_ComparedAsInstants() =>
        AssertSame(PlacedAt, "2024-05-01 14:00:00", "2024-05-01T12:00:00Z");

    [Theory]
    [InlineData("2024-05-01T14:00:00.124+02:00")]
    [InlineData("2024-05-01T14:00:00.122999+02:00")]
    [InlineData("2024-05-01T12:00:00.123")]
    [InlineData("2024-05-02T14:00:00.123+02:00")]
    public void Timestamps_DifferentInstantBeyondThePrecision_Differs(string text) =>
        AssertDiffers(PlacedAt, text, Ts("2024-05-01T12:00:00.123Z"));

    [Fact]
    public void Timestamps_BeforeTheEpoch_TruncatedTowardNegativeInfinity()
    {
        AssertSame(PlacedAt, Ts("1999-12-31T23:59:59.9995Z"), Ts("1999-12-31T23:59:59.999Z"));
        AssertDiffers(PlacedAt, Ts("1999-12-31T23:59:59.9995Z"), Ts("2000-01-01T00:00:00Z"));
        AssertDiffers(PlacedAt, Ts("1999-12-31T23:59:59.9995Z"), Ts("1999-12-31T23:59:59.998Z"));
    }

    [Fact]
    public void Timestamps_TextThatIsNoInstant_StaysText()
    {
        AssertSame(PlacedAt, "soon", "soon");
        AssertDiffers(PlacedAt, "soon", "Soon");
        AssertDiffers(PlacedAt, "2024-05-01T25:00:00Z", Ts("2024-05-02T01:00:00Z"));
        // A date alone is no instant: text of a day does not equal its midnight.
        AssertDiffers(PlacedAt, "2024-05-01", Ts("2024-04-30T22:00:00Z"));
    }

    [Fact]
    public void Timestamps_DatesAndOtherKinds_Untouched()
    {
        Assert.True(Date.TryParseIso("2024-05-01", out var day, out _));
        AssertSame(PlacedAt, day, day);
        AssertDiffers(PlacedAt, day, Ts("2024-04-30T22:00:00Z"));
        AssertDiffers(PlacedAt, day, "2024-05-01");
        AssertDiffers(PlacedAt, Ts("2024-05-01T12:00:00Z").Microseconds, Ts("2024-05-01T12:00:00Z"));
        AssertSame(PlacedAt, Timestamp.Infinity, Timestamp.Infinity);
        AssertDiffers(PlacedAt, Timestamp.Infinity, Timestamp.MinusInfinity);
    }

    // float_tolerance: 1e-9

    [Fact]
    public void FloatTolerance_WithinTolerance_Same() => Assert.True(N.Same(Amount, 1.0, 1.0 + 1e-12));

    [Theory]
    [InlineData(1.0, 1.001)]
    [InlineData(1.0, 1.0 + 2e-9)]
    [InlineData(-1.0, 1.0)]
    [InlineData(1e300, 1.5e300)]
    public void FloatTolerance_BeyondTolerance_Differs(double a, double b) => AssertDiffers(Amount, a, b);

    [Fact]
    public void FloatTolerance_LargeValues_LastBitIsBeyondTheTolerance()
    {
        // At 1e12 one bit is worth 1.2e-4, far more than 1e-9: a change of the last bit is a real difference.
        AssertDiffers(Amount, 1e12, Math.BitIncrement(1e12));
        AssertDiffers(Amount, double.MaxValue, Math.BitDecrement(double.MaxValue));
    }

    [Fact]
    public void FloatTolerance_IntegerAgainstDouble_StaysAKindDifference()
    {
        AssertDiffers(Amount, 1L, 1.0);
        AssertDiffers(Amount, "1", 1.0);
        AssertSame(Amount, 1L, 1L);
    }

    [Fact]
    public void FloatTolerance_NaNAndInfinities_EqualOnlyThemselves()
    {
        AssertSame(Amount, double.NaN, double.NaN);
        AssertSame(Amount, double.PositiveInfinity, double.PositiveInfinity);
        AssertDiffers(Amount, double.NaN, 0.0);
        AssertDiffers(Amount, double.PositiveInfinity, double.MaxValue);
        AssertDiffers(Amount, double.PositiveInfinity, double.NegativeInfinity);
        AssertDiffers(Amount, double.NaN, double.PositiveInfinity);
    }

    [Fact]
    public void FloatTolerance_NegativeZero_IsZero() => Assert.True(N.Same(Amount, -0.0, 0.0));

    [Fact]
    public void FloatTolerance_StraddlingAGridLine_SameDecides()
    {
        // 2^-30 (~9.3e-10) is the grid step for 1e-9: these two are a thousand bits apart, on either side of a grid line.
        var line = Math.ScaleB(1, -30) * 1000;
        var below = Math.BitDecrement(line);
        for (var i = 0; i < 1000; i++)
        {
            below = Math.BitDecrement(below);
        }
        Assert.False(HashAlike(N, Amount, below, line));
        Assert.True(N.Same(Amount, below, line));
    }

    [Fact]
    public void NoToleranceRule_DoubleChangedInItsLastBit_Differs()
    {
        AssertDiffers(Weight, 0.1, Math.BitIncrement(0.1));
        AssertDiffers(Weight, -0.0, 0.0);
    }

    // map: { A: active, C: closed, 1: active }

    [Theory]
    [InlineData("A", "active")]
    [InlineData("C", "closed")]
    [InlineData("active", "A")]
    [InlineData("A", "A")]
    public void Map_MappedValues_Same(string source, string target) => AssertSame(Status, source, target);

    [Fact]
    public void Map_IntegerKey_MatchesTheIntegerAndItsText()
    {
        AssertSame(Status, 1L, "active");
        AssertSame(Status, 1L, "1");
    }

    [Theory]
    [InlineData("A", "closed")]
    [InlineData("X", "active")]
    [InlineData("a", "active")]
    [InlineData("A ", "active")]
    public void Map_UnmappedOrOtherValue_Differs(string source, string target) => AssertDiffers(Status, source, target);

    [Fact]
    public void Map_UnmappedInteger_StaysAnInteger()
    {
        AssertDiffers(Status, 2L, "2");
        AssertDiffers(Status, 1.0, "active");
        AssertSame(Status, 2L, 2L);
    }

    // json: true

    [Fact]
    public void Json_KeyOrderWhitespaceAndNumberSpelling_Same()
    {
        AssertSame(Payload, "{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}");
        AssertSame(Payload, "{ \"a\" : [1.0, 2e0] }", "{\"a\":[1,2]}");
        AssertSame(Payload, "{\"b\":1,\"a\":2}", JsonOf("{\"a\": 2, \"b\": 1}"));
    }

    [Theory]
    [InlineData("{\"a\":2,\"b\":1}", "{\"a\":2,\"b\":3}")]
    [InlineData("{\"a\":[1,2]}", "{\"a\":[2,1]}")]
    [InlineData("{\"a\":\"x\"}", "{\"a\":\"X\"}")]
    [InlineData("{\"a\":1}", "{\"a\":\"1\"}")]
    [InlineData("{\"a\":null}", "{}")]
    [InlineData("{a:1}", "{ a:1}")]
    public void Json_ChangedValueOrNotJson_Differs(string source, string target) => AssertDiffers(Payload, source, target);

    [Fact]
    public void Json_NonTextValues_Untouched()
    {
        AssertDiffers(Payload, 1L, "1");
        AssertDiffers(Payload, null, "null");
        AssertDiffers(Payload, "[1]"u8.ToArray(), "[1]");
        AssertSame(Payload, "not json", "not json");
    }

    // case_insensitive: true

    [Fact]
    public void CaseInsensitive_LetterCase_Same() => AssertSame(Email, "Ann@Example.COM", "ann@example.com");

    [Theory]
    [InlineData("abc", "abd")]
    [InlineData("abc", "abc ")]
    [InlineData("abc", " abc")]
    public void CaseInsensitive_OtherChange_Differs(string source, string target) => AssertDiffers(Email, source, target);

    [Fact]
    public void CaseInsensitive_Blobs_Untouched() => AssertDiffers(Email, "ABC"u8.ToArray(), "abc"u8.ToArray());

    // trim_trailing_spaces: true

    [Fact]
    public void TrimTrailingSpaces_TrailingSpaces_Same()
    {
        AssertSame(Name, "abc  ", "abc");
        AssertSame(Name, "   ", "");
    }

    [Theory]
    [InlineData(" abc", "abc")]
    [InlineData("abc\t", "abc")]
    [InlineData("abc\u00A0", "abc")]
    [InlineData("abc\n", "abc")]
    [InlineData("ABC", "abc")]
    [InlineData("", null)]
    public void TrimTrailingSpaces_AnythingButTrailingSpaces_Differs(string source, string? target) => AssertDiffers(Name, source, target);

    [Fact]
    public void TrimTrailingSpaces_IntegerAgainstText_StaysAKindDifference()
    {
        AssertDiffers(Name, 1L, "1");
        AssertDiffers(Name, 1L, "1 ");
    }

    [Fact]
    public void TrimTrailingSpaces_InvalidUtf8Text_Untouched()
    {
        var raw = new RawText([0x61, 0xFF, 0x20]);
        AssertSame(Name, raw, new RawText([0x61, 0xFF, 0x20]));
        AssertDiffers(Name, raw, new RawText([0x61, 0xFF]));
    }

    // Rows and columns

    [Fact]
    public void ColumnWithoutRule_ComparedExactly()
    {
        AssertDiffers(Note, "x ", "x");
        AssertDiffers(Note, "X", "x");
        AssertDiffers(Id, 1L, 1.0);
        AssertSame(Note, "x", "x");
    }

    [Fact]
    public void ForChecksum_NormalizesOnlyRuledColumns_AndLeavesTheInputAlone()
    {
        object?[] row = [7L, "2024-05-01 14:00:00.123456", 2.5, "A", "{\"b\":1,\"a\":2}", "Ann@X.org", "ann  ", "note  ", 0.1];
        var copy = row.ToArray();

        var result = N.ForChecksum(row);

        Assert.Equal(copy, row);
        Assert.NotSame(row, result);
        Assert.Equal(7L, result[Id]);
        Assert.Equal(Ts("2024-05-01T12:00:00.123Z"), result[PlacedAt]);
        Assert.Equal("active", result[Status]);
        Assert.Equal("{\"a\":2,\"b\":1}", Assert.IsType<Json>(result[Payload]).Canonical);
        Assert.Equal("ANN@X.ORG", result[Email]);
        Assert.Equal("ann", result[Name]);
        Assert.Equal("note  ", result[Note]);
        Assert.Equal(0.1, result[Weight]);
    }

    [Fact]
    public void ForChecksum_RowsDifferingOnlyByRuledRepresentations_HaveEqualTableChecksums()
    {
        object?[] source = [7L, "2024-05-01 14:00:00.123456", 2.0, "A", "{\"b\":1,\"a\":2}", "Ann@X.org", "ann  ", "n", 0.1];
        object?[] target = [7L, Ts("2024-05-01T12:00:00.123Z"), 2.0, "active", JsonOf("{\"a\":2,\"b\":1}"), "ann@x.org", "ann", "n", 0.1];
        var plainS = new TableChecksum();
        var plainT = new TableChecksum();
        var s = new TableChecksum();
        var t = new TableChecksum();

        plainS.Add(source);
        plainT.Add(target);
        s.Add(N.ForChecksum(source));
        t.Add(N.ForChecksum(target));

        Assert.NotEqual(plainS.Hex, plainT.Hex);
        Assert.Equal(s.Hex, t.Hex);
    }

    [Fact]
    public void ForChecksum_WrongRowLength_Throws() => Assert.Throws<ArgumentException>(() => N.ForChecksum([1L]));

    [Fact]
    public void Same_ColumnOutOfRange_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => N.Same(9, 1L, 1L));

    [Fact]
    public void CombinedOptions_ApplyInOrder_MapThenCase()
    {
        var n = For("  - table: orders", "    normalize:", "      status: { map: { \"A\": active }, case_insensitive: true, trim_trailing_spaces: true }");

        Assert.True(n.Same(Status, "A", "ACTIVE "));
        // The map runs before case folding, so it is case-sensitive: "a" is not a key and folds to "A", while "A" is mapped.
        Assert.False(n.Same(Status, "a", "active"));
        Assert.False(n.Same(Status, "a", "A"));
        Assert.True(n.Same(Status, "b", "B"));
    }

    [Fact]
    public void CombinedOptions_TrimBeforeTimestamps() =>
        Assert.True(For("  - table: orders", "    normalize:", "      placed_at: { trim_trailing_spaces: true, timestamps: s }")
            .Same(PlacedAt, "2024-05-01 12:00:00.9  ", Ts("2024-05-01T12:00:00Z")));

    [Fact]
    public void For_NoRules_IsNull()
    {
        Assert.Null(RowNormalizer.For(Bind(Orders, [.. Plans.Header, "  - table: orders"])));
        Assert.Null(RowNormalizer.For(Bind(Orders, [.. Plans.Header, "  - table: orders", "    normalize: { name: { json: false } }"])));
    }

    [Fact]
    public void For_RowidKey_RowidFirstAndNeverNormalized()
    {
        var table = Schemas.Table("log", [Schemas.Col("msg", "TEXT")]);
        var n = RowNormalizer.For(Bind(table, "source: a", "target: b", "normalize: { \"*\": { map: { \"5\": five } } }", "entities:", "  - table: log", "    key: rowid"))!;

        Assert.Equal(new object?[] { 5L, "five" }, n.ForChecksum([5L, "5"]));
        Assert.False(n.Same(0, 5L, "five"));
        Assert.True(n.Same(1, 5L, "five"));
    }

    [Fact]
    public void Describe_OneLinePerRule()
    {
        Assert.Equal(
        [
            "placed_at: timestamps to ms (text without offset read in +02:00)",
            "amount: doubles within 1E-09 of each other are the same",
            "status: values mapped before comparing (A -> active, C -> closed, 1 -> active)",
            "payload: JSON compared as data (key order, whitespace, number spelling ignored)",
            "email: text compared ignoring case",
            "name: trailing spaces of text ignored",
        ], N.Describe());
    }
}

using Cutover.Core.Tests.Support;
using Cutover.Plan;
using Cutover.Schema;
using static Cutover.Core.Tests.Support.Schemas;

namespace Cutover.Core.Tests.Plan;

/// <summary><c>normalize:</c> in the plan: parsed with positions, checked against target columns when bound, resolved per column.</summary>
public class PlanNormalizeTests
{
    private static readonly TableSchema Orders = Table("orders",
        [Col("id", pk: 1), Col("placed_at", "TEXT"), Col("amount", "REAL"), Col("status", "TEXT"), Col("body", "TEXT"), Col("legacy", "TEXT")]);

    private static readonly TableSchema Users = Table("users", [Col("id", pk: 1), Col("name", "TEXT"), Col("email", "TEXT")]);

    private static (int Line, int Column) Pos(PlanError e) => (e.At.Line, e.At.Column);

    private static PlanError ParseError(params string[] lines)
    {
        var (plan, errors) = Plans.Parse(lines);
        Assert.Null(plan);
        return Assert.Single(errors);
    }

    /// <summary>One rule's option lines under entity orders, so the rule's key is at line 6, column 7.</summary>
    private static PlanError RuleError(string rule) => ParseError([.. Plans.Header, "  - table: orders", "    normalize:", "      " + rule]);

    private static IReadOnlyList<PlanError> BindErrors(params string[] lines)
    {
        var (plan, errors) = Plans.Parse(lines);
        Assert.Empty(errors);
        var (_, bindErrors) = PlanBinder.Bind(plan!, Db(Orders, Users));
        return bindErrors;
    }

    private static IReadOnlyList<BoundEntity> Bound(params string[] lines)
    {
        var (plan, errors) = Plans.Parse(lines);
        Assert.Empty(errors);
        var (bound, bindErrors) = PlanBinder.Bind(plan!, Db(Orders, Users));
        Assert.Empty(bindErrors);
        return bound;
    }

    [Fact]
    public void Parse_EveryOption_IsRead()
    {
        var (plan, errors) = Plans.Parse(
            "source: a",
            "target: b",
            "normalize:",
            "  \"*\": { trim_trailing_spaces: true }",
            "entities:",
            "  - table: orders",
            "    normalize:",
            "      placed_at: { timestamps: ms, time_zone: \"+02:00\" }",
            "      amount: { float_tolerance: 0.000001 }",
            "      status: { map: { \"A\": active, C: closed, 1: one }, case_insensitive: true }",
            "      body: { json: true, trim_trailing_spaces: false }");
        Assert.Empty(errors);

        var top = Assert.Single(plan!.Normalize);
        Assert.Equal(NormalizeRule.AllColumns, top.Column);
        Assert.True(top.TrimTrailingSpaces);
        Assert.Equal((4, 3), (top.At.Line, top.At.Column));

        var rules = plan.Entities[0].Normalize;
        Assert.Equal(["placed_at", "amount", "status", "body"], rules.Select(r => r.Column));
        Assert.Equal(TimestampPrecision.Milliseconds, rules[0].Timestamps);
        Assert.Equal(120, rules[0].TimeZoneMinutes);
        Assert.Equal("+02:00", rules[0].TimeZoneText);
        Assert.Equal(0.000001, rules[1].FloatTolerance);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "active", ["C"] = "closed", ["1"] = "one" }, rules[2].Map);
        Assert.True(rules[2].CaseInsensitive);
        Assert.True(rules[3].Json);
        Assert.False(rules[3].TrimTrailingSpaces);
        Assert.Equal((8, 7), (rules[0].At.Line, rules[0].At.Column));
    }

    [Theory]
    [InlineData("s", TimestampPrecision.Seconds, "UTC", 0)]
    [InlineData("us", TimestampPrecision.Microseconds, "utc", 0)]
    [InlineData("ms", TimestampPrecision.Milliseconds, "\"-05:30\"", -330)]
    [InlineData("ms", TimestampPrecision.Milliseconds, "\"+0545\"", 345)]
    public void Parse_TimestampsAndZones_AreRead(string precision, TimestampPrecision expected, string zone, int minutes)
    {
        var plan = Plans.Entities("  - table: orders", "    normalize:", $"      placed_at: {{ timestamps: {precision}, time_zone: {zone} }}");

        Assert.Equal(expected, plan.Entities[0].Normalize[0].Timestamps);
        Assert.Equal(minutes, plan.Entities[0].Normalize[0].TimeZoneMinutes);
    }

    [Fact]
    public void Parse_UnknownOption_SuggestsTheNearestAtItsPosition()
    {
        var e = RuleError("name: { trim_trailing_space: true }");

        Assert.Equal("unknown key 'trim_trailing_space' in normalize: 'name'", e.Message);
        Assert.Equal("did you mean 'trim_trailing_spaces'?", e.Fix);
        Assert.Equal((6, 15), Pos(e));
    }

    [Theory]
    [InlineData("ns")]
    [InlineData("millis")]
    [InlineData("3")]
    public void Parse_BadPrecision_ReportsTheValue(string value)
    {
        var e = RuleError($"placed_at: {{ timestamps: {value} }}");

        Assert.Equal($"timestamps must be s, ms or us, not '{value}'", e.Message);
        Assert.Equal((6, 32), Pos(e));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    [InlineData("abc")]
    [InlineData(".inf")]
    [InlineData("NaN")]
    public void Parse_ToleranceNotAPositiveNumber_ReportsTheValue(string value)
    {
        var e = RuleError($"amount: {{ float_tolerance: {value} }}");

        Assert.Equal($"float_tolerance must be a number greater than 0, not '{value}'", e.Message);
        Assert.Equal((6, 34), Pos(e));
        Assert.Contains("float_tolerance: 0.000001", e.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Europe/Paris")]
    [InlineData("\"+25:00\"")]
    [InlineData("\"02:00\"")]
    [InlineData("CET")]
    public void Parse_BadZone_ReportsTheValue(string zone)
    {
        var e = RuleError($"placed_at: {{ timestamps: s, time_zone: {zone} }}");

        Assert.StartsWith("time_zone must be UTC or an offset ±HH:MM, not '", e.Message, StringComparison.Ordinal);
        Assert.Equal((6, 46), Pos(e));
        Assert.Contains("named zones are not supported", e.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ZoneWithoutTimestamps_IsAnError()
    {
        var e = RuleError("placed_at: { time_zone: \"+02:00\" }");

        Assert.Equal("time_zone of 'placed_at' only applies with timestamps:", e.Message);
        Assert.Equal((6, 20), Pos(e));
    }

    [Fact]
    public void Parse_ZoneWithABadPrecision_ReportsOnlyThePrecision()
    {
        var e = RuleError("placed_at: { timestamps: ns, time_zone: UTC }");

        Assert.Equal("timestamps must be s, ms or us, not 'ns'", e.Message);
    }

    [Fact]
    public void Parse_FlagNotTrueOrFalse_IsAnError()
    {
        var e = RuleError("body: { json: yes please }");

        Assert.Equal("json must be true or false, not 'yes please'", e.Message);
        Assert.Equal((6, 21), Pos(e));
    }

    [Fact]
    public void Parse_MapToNull_AsksForQuotes()
    {
        var e = RuleError("status: { map: { \"A\": ~ } }");

        Assert.Equal("map of 'status' must map 'A' to a single text value", e.Message);
        Assert.Equal((6, 29), Pos(e));
    }

    [Fact]
    public void Parse_MapNotAMapping_IsAnError()
    {
        var e = RuleError("status: { map: [A, active] }");

        Assert.Equal("'map' must be a mapping", e.Message);
        Assert.Equal((6, 22), Pos(e));
    }

    [Fact]
    public void Parse_RuleNotAMapping_IsAnError()
    {
        var e = RuleError("name: trim_trailing_spaces");

        Assert.Equal("normalize: 'name' of 'orders' needs a mapping of options", e.Message);
        Assert.Equal((6, 13), Pos(e));
    }

    [Fact]
    public void Parse_NormalizeNotAMapping_IsAnError()
    {
        var e = ParseError("source: a", "target: b", "normalize: [name]", "entities:", "  - table: orders");

        Assert.Equal("'normalize' must be a mapping", e.Message);
        Assert.Equal((3, 12), Pos(e));
    }

    [Fact]
    public void Parse_ColumnTwiceInOtherCase_IsAnError()
    {
        var e = ParseError([.. Plans.Header, "  - table: orders", "    normalize:", "      name: { json: true }", "      NAME: { case_insensitive: true }"]);

        Assert.Equal("column 'NAME' is named twice under normalize of 'orders'", e.Message);
        Assert.Equal((7, 7), Pos(e));
    }

    [Fact]
    public void Bind_EntityColumnNotInTarget_ListsTheTargetColumns()
    {
        var e = Assert.Single(BindErrors([.. Plans.Header, "  - table: orders", "    normalize:", "      statuz: { json: true }"]));

        Assert.Equal("normalize: column 'statuz' is not a column of target table 'orders'", e.Message);
        Assert.Equal("columns of 'orders': id, placed_at, amount, status, body, legacy", e.Fix);
        Assert.Equal((6, 7), Pos(e));
    }

    [Fact]
    public void Bind_SourceNameOfARenamedColumn_NamesTheTargetName()
    {
        var e = Assert.Single(BindErrors(
            [.. Plans.Header, "  - table: orders", "    columns:", "      body: { rename: content }", "    normalize:", "      body: { json: true }"]));

        Assert.Equal("normalize: column 'body' is not a column of target table 'orders'", e.Message);
        Assert.Equal("'body' is named 'content' on the target; normalize names target columns: write content", e.Fix);
        Assert.Equal((8, 7), Pos(e));
    }

    [Fact]
    public void Bind_DroppedColumn_SaysThereIsNothingToCompare()
    {
        var e = Assert.Single(BindErrors(
            [.. Plans.Header, "  - table: orders", "    columns:", "      legacy: { drop: true }", "    normalize:", "      legacy: { json: true }"]));

        Assert.StartsWith("that column is dropped", e.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_RowidIsNotAColumnToNormalize()
    {
        var e = Assert.Single(BindErrors([.. Plans.Header, "  - table: orders", "    normalize:", "      rowid: { json: true }"]));

        Assert.Equal("normalize: column 'rowid' is not a column of target table 'orders'", e.Message);
    }

    [Fact]
    public void Bind_PlanLevelColumnInNoEntity_IsAnError()
    {
        var e = Assert.Single(BindErrors("source: a", "target: b", "normalize:", "  emial: { case_insensitive: true }", "entities:", "  - table: orders", "  - table: users"));

        Assert.Equal("normalize: column 'emial' is not a column of any entity's target table", e.Message);
        Assert.Equal((4, 3), Pos(e));
    }

    [Fact]
    public void Bind_PlanLevelColumn_AppliesToEveryEntityThatHasIt()
    {
        var bound = Bound("source: a", "target: b", "normalize:", "  name: { case_insensitive: true }", "entities:", "  - table: orders", "  - table: users");

        Assert.Empty(bound[0].Normalizers);
        var rule = Assert.Single(bound[1].Normalizers);
        Assert.Equal("name", rule.Column);
        Assert.True(rule.CaseInsensitive);
    }

    [Fact]
    public void Bind_MostSpecificRuleWins_AndRulesAreNotMerged()
    {
        var bound = Bound(
            "source: a",
            "target: b",
            "normalize:",
            "  \"*\": { trim_trailing_spaces: true }",
            "  email: { case_insensitive: true }",
            "entities:",
            "  - table: orders",
            "    columns:",
            "      body: { rename: content }",
            "    normalize:",
            "      content: { json: true }",
            "      amount: { trim_trailing_spaces: false }",
            "  - table: users",
            "    normalize:",
            "      \"*\": { json: true }");

        var orders = bound[0].Normalizers.ToDictionary(r => r.Column);
        Assert.Equal(["id", "placed_at", "status", "content", "legacy"], orders.Keys);
        Assert.True(orders["content"].Json);
        Assert.False(orders["content"].TrimTrailingSpaces);
        Assert.True(orders["status"].TrimTrailingSpaces);

        // The entity's "*" is more specific than the plan's email rule, and replaces it.
        var users = bound[1].Normalizers.ToDictionary(r => r.Column);
        Assert.Equal(["id", "name", "email"], users.Keys);
        Assert.All(users.Values, r => Assert.True(r.Json && !r.CaseInsensitive && !r.TrimTrailingSpaces));
    }

    [Fact]
    public void ReverseBind_RulesNamingTargetColumns_TheWayBackHasNone()
    {
        var (plan, errors) = Plans.Parse("source: a", "target: b", "normalize:", "  content: { json: true }", "entities:", "  - table: orders",
            "    columns:", "      body: { rename: content }");
        Assert.Empty(errors);
        var (forward, bindErrors) = PlanBinder.Bind(plan!, Db(Orders));
        Assert.Empty(bindErrors);
        var target = Table("orders",
            [Col("id", pk: 1), Col("placed_at", "TEXT"), Col("amount", "REAL"), Col("status", "TEXT"), Col("content", "TEXT"), Col("legacy", "TEXT")]);

        var back = Assert.Single(Cutover.Sync.ReverseBinder.Bind(plan!, forward, Db(target)));

        Assert.Single(forward[0].Normalizers);
        Assert.Empty(back.Normalizers);
    }
}

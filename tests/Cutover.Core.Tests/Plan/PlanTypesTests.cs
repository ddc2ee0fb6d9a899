using Cutover.Core.Tests.Support;
using Cutover.Plan;

namespace Cutover.Core.Tests.Plan;

/// <summary>The <c>types:</c> block and the per-column <c>dates</c>, <c>json</c> and <c>booleans</c> keys.</summary>
public class PlanTypesTests
{
    private static (int Line, int Column) Pos(PlanError e) => (e.At.Line, e.At.Column);

    [Fact]
    public void Parse_NoTypesBlock_ConvertsNothing()
    {
        var plan = Plans.Entities("  - table: t");

        Assert.Equal(TypesPlan.Default, plan.Types);
        Assert.Equal(DatesOption.Text, plan.Types.Dates);
        Assert.Equal(JsonOption.Text, plan.Types.Json);
        Assert.Equal(BooleansOption.Boolean, plan.Types.Booleans);
    }

    [Theory]
    [InlineData("iso", DatesOption.Iso)]
    [InlineData("epoch_seconds", DatesOption.EpochSeconds)]
    [InlineData("epoch_ms", DatesOption.EpochMs)]
    [InlineData("epoch-ms", DatesOption.EpochMs)]
    [InlineData("text", DatesOption.Text)]
    public void Parse_TypesBlock_ReadsEachOption(string dates, DatesOption expected)
    {
        var (plan, errors) = Plans.Parse("source: sqlite:a.db", "target: sqlite:b.db", $"types: {{ dates: {dates}, json: jsonb, booleans: integer }}", "entities:", "  - table: t");

        Assert.Empty(errors);
        Assert.Equal(new TypesPlan(expected, JsonOption.Jsonb, BooleansOption.Integer), plan!.Types);
    }

    [Fact]
    public void Parse_ColumnKeys_OverrideForThatColumnOnly()
    {
        var plan = Plans.Entities(
            "  - table: t",
            "    columns:",
            "      created_ms: { dates: epoch_ms }",
            "      meta: { json: jsonb, rename: metadata }",
            "      done: { booleans: boolean }",
            "      legacy_date: { dates: text }",
            "      plain: { rename: p }");

        var columns = plan.Entities[0].Columns.ToDictionary(c => c.Name);
        Assert.Equal(DatesOption.EpochMs, columns["created_ms"].Dates);
        Assert.Equal(JsonOption.Jsonb, columns["meta"].Json);
        Assert.Equal("metadata", columns["meta"].Rename);
        Assert.Equal(BooleansOption.Boolean, columns["done"].Booleans);
        Assert.Equal(DatesOption.Text, columns["legacy_date"].Dates);
        Assert.Null(columns["plain"].Dates);
        Assert.Null(columns["plain"].Json);
        Assert.Null(columns["plain"].Booleans);
    }

    [Fact]
    public void Parse_BadDatesValue_NamesAllowedValuesAtItsPosition()
    {
        var (_, errors) = Plans.Parse("source: sqlite:a.db", "target: sqlite:b.db", "types:", "  dates: unix", "entities:", "  - table: t");

        var e = Assert.Single(errors);
        Assert.Equal("'dates' must be one of text | iso | epoch_seconds | epoch_ms, not 'unix'", e.Message);
        Assert.Equal((4, 10), Pos(e));
        Assert.StartsWith("plan.yaml:4:10: ", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TypesTypo_SuggestsTheKey()
    {
        var (_, errors) = Plans.Parse("source: sqlite:a.db", "target: sqlite:b.db", "types:", "  date: iso", "entities:", "  - table: t");

        var e = Assert.Single(errors);
        Assert.Equal("unknown key 'date' in types", e.Message);
        Assert.Equal("did you mean 'dates'?", e.Fix);
        Assert.Equal((4, 3), Pos(e));
    }

    [Fact]
    public void Parse_TypesNotAMapping_IsAnError()
    {
        var (_, errors) = Plans.Parse("source: sqlite:a.db", "target: sqlite:b.db", "types: iso", "entities:", "  - table: t");

        var e = Assert.Single(errors);
        Assert.Equal("types must be a mapping", e.Message);
        Assert.Equal((3, 8), Pos(e));
    }

    [Fact]
    public void Parse_BadColumnValue_IsAnErrorAtTheValue()
    {
        var (_, errors) = Plans.Parse([.. Plans.Header, "  - table: t", "    columns:", "      meta: { json: yes }"]);

        var e = Assert.Single(errors);
        Assert.Equal("'json' must be one of text | jsonb, not 'yes'", e.Message);
        Assert.Equal((6, 21), Pos(e));
    }

    [Fact]
    public void Parse_TwoConversionsOnOneColumn_IsAnError()
    {
        var (_, errors) = Plans.Parse([.. Plans.Header, "  - table: t", "    columns:", "      x: { dates: iso, json: jsonb }"]);

        var e = Assert.Single(errors);
        Assert.Equal("column 'x' is read both by dates: and by json:", e.Message);
        Assert.Equal((6, 7), Pos(e));
    }

    [Fact]
    public void Parse_DroppedColumnWithConversion_IsAnError()
    {
        var (_, errors) = Plans.Parse([.. Plans.Header, "  - table: t", "    columns:", "      x: { drop: true, dates: iso }"]);

        Assert.Equal("column 'x' is dropped and also transformed", Assert.Single(errors).Message);
    }

    [Fact]
    public void Parse_EveryProblem_ReportedAtOnce()
    {
        var (_, errors) = Plans.Parse(
            "source: sqlite:a.db", "target: sqlite:b.db",
            "types: { dates: isoo, booleans: bool }",
            "entities:", "  - table: t", "    columns:", "      a: { dates: ms }", "      b: { booleans: maybe }");

        Assert.Equal(4, errors.Count);
        Assert.Equal([3, 3, 7, 8], errors.Select(e => e.At.Line));
    }
}

using Cutover.Core.Tests.Support;
using Cutover.Plan;
using Cutover.Schema;
using Cutover.Transform;
using static Cutover.Core.Tests.Support.Schemas;

namespace Cutover.Core.Tests.Plan;

/// <summary>How the plan's <c>types:</c> block and a column's <c>dates</c>/<c>json</c>/<c>booleans</c> keys decide a target column's kind.</summary>
public class PlanBinderTypesTests
{
    private static readonly TableSchema Events = Table("events",
    [
        Col("id", "INTEGER", pk: 1), Col("created_at", "DATETIME"), Col("day", "DATE"), Col("created_ms", "INTEGER"),
        Col("meta", "JSON"), Col("active", "BOOLEAN"), Col("done", "INTEGER"), Col("note", "TEXT"),
    ]);

    private static (IReadOnlyList<BoundEntity> Bound, IReadOnlyList<PlanError> Errors) Bind(string? types, params string[] columnLines)
    {
        string[] header = types is null ? ["source: sqlite:a.db", "target: sqlite:b.db"] : ["source: sqlite:a.db", "target: sqlite:b.db", "types: " + types];
        string[] entity = columnLines.Length == 0 ? ["  - table: events"] : ["  - table: events", "    columns:", .. columnLines.Select(l => "      " + l)];
        var (plan, errors) = Plans.Parse([.. header, "entities:", .. entity]);
        Assert.Empty(errors);
        return PlanBinder.Bind(plan!, Db(Events));
    }

    private static BoundEntity BindOne(string? types, params string[] columnLines)
    {
        var (bound, errors) = Bind(types, columnLines);
        Assert.Empty(errors);
        return Assert.Single(bound);
    }

    private static (ColumnKind Kind, ColumnConversion Conversion) Of(BoundEntity e, string target)
    {
        var i = e.Target.Columns.ToList().FindIndex(c => c.Name == target);
        return (e.Target.Columns[i].Kind, e.Mappings[i].Conversion);
    }

    [Fact]
    public void Bind_NoTypes_OnlyBooleanColumnsAreTyped()
    {
        var e = BindOne(null);

        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "created_at"));
        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "day"));
        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "meta"));
        Assert.Equal((ColumnKind.Boolean, ColumnConversion.None), Of(e, "active"));
        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "done"));
        Assert.Empty(e.Notes);
    }

    [Fact]
    public void Bind_PlanWideIsoAndJsonb_ConvertColumnsDeclaredAsDatesAndJson()
    {
        var e = BindOne("{ dates: iso, json: jsonb }");

        Assert.Equal((ColumnKind.Timestamp, ColumnConversion.IsoTimestamp), Of(e, "created_at"));
        Assert.Equal((ColumnKind.Date, ColumnConversion.IsoDate), Of(e, "day"));
        Assert.Equal((ColumnKind.Json, ColumnConversion.Json), Of(e, "meta"));
        // An INTEGER column is not a date column, whatever its name.
        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "created_ms"));
        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "note"));
        Assert.Contains("created_at: ISO-8601 text -> timestamp (UTC when no zone is given) (dates: iso)", e.Notes);
        Assert.Contains("day: ISO-8601 dates -> date (dates: iso)", e.Notes);
        // Values are converted, not cast: no affinity cast on converted columns.
        Assert.All(e.Mappings, m => Assert.Null(m.Cast));
    }

    [Fact]
    public void Bind_ColumnKeys_OverrideThePlanWideOptions()
    {
        var e = BindOne("{ dates: iso }", "created_ms: { dates: epoch_ms }", "day: { dates: text }", "done: { booleans: boolean }", "note: { json: jsonb }");

        Assert.Equal((ColumnKind.Timestamp, ColumnConversion.EpochMilliseconds), Of(e, "created_ms"));
        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "day"));
        Assert.Equal((ColumnKind.Timestamp, ColumnConversion.IsoTimestamp), Of(e, "created_at"));
        Assert.Equal((ColumnKind.Boolean, ColumnConversion.None), Of(e, "done"));
        Assert.Equal((ColumnKind.Json, ColumnConversion.Json), Of(e, "note"));
        Assert.Contains("created_ms: Unix milliseconds -> timestamp (dates: epoch_ms)", e.Notes);
        Assert.Contains("done: 0/1 -> boolean (booleans: boolean)", e.Notes);
    }

    [Fact]
    public void Bind_EpochOnADateColumn_GivesInstants()
    {
        var e = BindOne("{ dates: epoch_seconds }");

        Assert.Equal((ColumnKind.Timestamp, ColumnConversion.EpochSeconds), Of(e, "day"));
        Assert.Equal((ColumnKind.Timestamp, ColumnConversion.EpochSeconds), Of(e, "created_at"));
    }

    [Fact]
    public void Bind_BooleansInteger_KeepsBooleanColumnsAsIntegers()
    {
        var e = BindOne("{ booleans: integer }");

        Assert.Equal((ColumnKind.Integer, ColumnConversion.None), Of(e, "active"));
        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "done"));
    }

    [Fact]
    public void Bind_TypeTimestamptz_ReadsIsoUnlessThePlanSaysEpoch()
    {
        var iso = BindOne(null, "note: { type: timestamptz }");
        var epoch = BindOne("{ dates: epoch_ms }", "note: { type: timestamp with time zone }");

        Assert.Equal((ColumnKind.Timestamp, ColumnConversion.IsoTimestamp), Of(iso, "note"));
        Assert.Equal((ColumnKind.Timestamp, ColumnConversion.EpochMilliseconds), Of(epoch, "note"));
        Assert.Equal("timestamptz", iso.Target.Columns.Single(c => c.Name == "note").DeclaredType);
    }

    [Fact]
    public void Bind_TypeJsonb_ReadsJson()
    {
        var e = BindOne(null, "note: { type: jsonb }");

        Assert.Equal((ColumnKind.Json, ColumnConversion.Json), Of(e, "note"));
    }

    [Fact]
    public void Bind_OtherPlanType_IsACastAsBefore()
    {
        var e = BindOne("{ dates: iso }", "created_at: { type: text, dates: text }", "done: { type: real }");

        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "created_at"));
        Assert.Equal(Affinity.Text, e.Mappings.Single(m => m.TargetName == "created_at").Cast);
        Assert.Equal(Affinity.Real, e.Mappings.Single(m => m.TargetName == "done").Cast);
    }

    [Fact]
    public void Bind_PlanType_TheTypesBlockAppliesToTheNewName()
    {
        var e = BindOne("{ dates: iso, json: jsonb }", "note: { type: date }", "created_at: { type: text }", "meta: { type: varchar(200) }", "done: { type: json }");

        Assert.Equal((ColumnKind.Date, ColumnConversion.IsoDate), Of(e, "note"));
        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "created_at"));
        Assert.Equal((ColumnKind.Dynamic, ColumnConversion.None), Of(e, "meta"));
        Assert.Equal((ColumnKind.Json, ColumnConversion.Json), Of(e, "done"));
    }

    [Theory]
    [InlineData("note: { type: text, dates: iso }", "has type: text, which cannot hold the dates dates: iso reads")]
    [InlineData("note: { type: date, dates: epoch_ms }", "has type: date, but dates: epoch_ms gives instants, not dates")]
    [InlineData("note: { type: timestamptz, dates: text }", "asks for type: timestamptz but dates: text keeps its values as text")]
    [InlineData("note: { type: jsonb, json: text }", "asks for type: jsonb but json: text keeps its values as text")]
    [InlineData("note: { type: text, json: jsonb }", "has type: text, which cannot hold the JSON json: jsonb reads")]
    [InlineData("done: { type: text, booleans: boolean }", "has type: text, but booleans: boolean makes it a boolean")]
    public void Bind_TypeThatContradictsTheConversion_IsAPlanErrorAtTheColumn(string line, string message)
    {
        var (bound, errors) = Bind(null, line);

        Assert.Empty(bound);
        var e = Assert.Single(errors);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal((6, 7), (e.At.Line, e.At.Column));
    }

    [Fact]
    public void Bind_TypedSourceColumn_IsNotReconvertedByPlanWideOptions()
    {
        var pg = Table("t", [Col("id", "integer", pk: 1) with { Kind = ColumnKind.Integer },
            Col("at", "timestamp with time zone") with { Kind = ColumnKind.Timestamp },
            Col("doc", "jsonb") with { Kind = ColumnKind.Json },
            Col("flag", "boolean") with { Kind = ColumnKind.Boolean },
            Col("iso", "text") with { Kind = ColumnKind.Text }]);
        var (plan, _) = Plans.Parse("source: sqlite:a.db", "target: sqlite:b.db", "types: { dates: epoch_ms, json: text, booleans: integer }",
            "entities:", "  - table: t", "    columns:", "      iso: { dates: iso }");
        var (bound, errors) = PlanBinder.Bind(plan!, Db(pg));

        Assert.Empty(errors);
        var e = Assert.Single(bound);
        Assert.Equal([ColumnKind.Integer, ColumnKind.Timestamp, ColumnKind.Json, ColumnKind.Boolean, ColumnKind.Timestamp], e.Target.Columns.Select(c => c.Kind));
        Assert.Equal([ColumnConversion.None, ColumnConversion.None, ColumnConversion.None, ColumnConversion.None, ColumnConversion.IsoTimestamp],
            e.Mappings.Select(m => m.Conversion));
    }

    [Fact]
    public void Bind_DatesOnAnAlreadyTypedColumn_IsAPlanError()
    {
        var pg = Table("t", [Col("id", "integer", pk: 1) with { Kind = ColumnKind.Integer }, Col("at", "timestamp with time zone") with { Kind = ColumnKind.Timestamp }]);
        var (plan, _) = Plans.Parse([.. Plans.Header, "  - table: t", "    columns:", "      at: { dates: epoch_ms }"]);
        var (_, errors) = PlanBinder.Bind(plan!, Db(pg));

        var e = Assert.Single(errors);
        Assert.Equal("column 'at' of 't' is already timestamp with time zone in the source; dates: and json: read text or numbers", e.Message);
        Assert.Equal(6, e.At.Line);
    }
}

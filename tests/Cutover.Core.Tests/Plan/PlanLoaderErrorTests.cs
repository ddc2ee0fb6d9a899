using Cutover.Core.Tests.Support;
using Cutover.Plan;

namespace Cutover.Core.Tests.Plan;

public class PlanLoaderErrorTests
{
    private static PlanError Single(params string[] lines)
    {
        var (plan, errors) = Plans.Parse(lines);
        Assert.Null(plan);
        return Assert.Single(errors);
    }

    private static PlanError SingleEntityError(params string[] entityLines) => Single([.. Plans.Header, .. entityLines]);

    private static (int Line, int Column) Pos(PlanError e) => (e.At.Line, e.At.Column);

    [Fact]
    public void Parse_InvalidYaml_ReportsLineAndColumnOfTheOffendingToken()
    {
        // The second ':' on line 2 (column 10) starts a mapping where a plain value is being read.
        var e = Single("source: a", "target: b: c", "entities: []");

        Assert.StartsWith("not valid YAML: ", e.Message, StringComparison.Ordinal);
        Assert.Equal((2, 10), Pos(e));
        Assert.StartsWith("plan.yaml:2:10: not valid YAML", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TopLevelTypo_ReportsKeyPositionAndDidYouMean()
    {
        var e = Single("source: a", "target: b", "batchsize: 10", "entities: []");

        Assert.Equal("unknown key 'batchsize' in plan", e.Message);
        Assert.Equal("did you mean 'batch_size'?", e.Fix);
        Assert.Equal((3, 1), Pos(e));
    }

    [Fact]
    public void Parse_EntityTypo_ReportsIndentedColumn()
    {
        var e = SingleEntityError("  - table: a", "    kee: id");

        Assert.Equal("unknown key 'kee' in entity", e.Message);
        Assert.Equal("did you mean 'key'?", e.Fix);
        Assert.Equal((5, 5), Pos(e));
    }

    [Fact]
    public void Parse_KeyFarFromAnyAllowed_ListsAllowedKeys()
    {
        var e = Single("source: a", "target: b", "zzzzzzzzzzzz: 1", "entities: []");

        Assert.Equal("allowed: name, source, target, state, batch_size, on_error, if_exists, backup, verify, types, entities, checks, capture, cutover, throttle, normalize, rollout, reconcile", e.Fix);
    }

    [Fact]
    public void Parse_MissingSourceAndTarget_ReportsBoth()
    {
        var (plan, errors) = Plans.Parse("entities:", "  - table: a");

        Assert.Null(plan);
        Assert.Equal(["'source' is required", "'target' is required"], errors.Select(e => e.Message));
    }

    [Fact]
    public void Parse_QuotedEmptySource_IsRequiredAtTheValue()
    {
        var e = Single("source: \"\"", "target: b", "entities: []");

        Assert.Equal("'source' is required", e.Message);
        Assert.Equal((1, 9), Pos(e));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("1000001")]
    public void Parse_BatchSizeOutOfRangeOrNotANumber_ReportsValuePosition(string value)
    {
        var e = Single("source: a", "target: b", "batch_size: " + value, "entities: []");

        Assert.Equal($"'batch_size' must be a whole number from 1 to 1000000, not '{value}'", e.Message);
        Assert.Equal((3, 13), Pos(e));
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("1")]
    public void Parse_OnErrorNotStopOrSkip_ListsChoices(string value)
    {
        // "1" would be accepted by Enum.TryParse as a numeric value; the plan must spell the name.
        var e = Single("source: a", "target: b", "on_error: " + value, "entities: []");

        Assert.Equal($"'on_error' must be one of stop | skip, not '{value}'", e.Message);
        Assert.Equal((3, 11), Pos(e));
    }

    [Fact]
    public void Parse_RekeyOnCompositeKey_NeedsSingleColumnKey()
    {
        var e = SingleEntityError("  - table: t", "    key: [a, b]", "    rekey: { to: ulid }");

        Assert.Equal("rekey of 't' needs a single-column key", e.Message);
        Assert.Equal((6, 12), Pos(e));
    }

    [Fact]
    public void Parse_RekeyOfRowid_IsRefused()
    {
        var e = SingleEntityError("  - table: t", "    key: rowid", "    rekey: { to: ulid }");

        Assert.StartsWith("rowid cannot be re-keyed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RekeyToUuid_IsNotSupported()
    {
        var e = SingleEntityError("  - table: t", "    key: id", "    rekey: { to: uuid }");

        Assert.Equal("rekey to 'uuid' is not supported", e.Message);
    }

    [Fact]
    public void Parse_ReferenceToEntityNotInPlan_ReportsTheColumn()
    {
        var e = SingleEntityError("  - table: messages", "    references: { session_id: ghosts }");

        Assert.Equal("references: 'session_id' points at 'ghosts', which is not an entity of this plan", e.Message);
        Assert.Equal((5, 19), Pos(e));
    }

    [Fact]
    public void Parse_SameTableTwiceDifferentCase_ReportsSecondOccurrence()
    {
        var e = SingleEntityError("  - table: users", "    to: people", "  - table: USERS", "    to: humans");

        Assert.Equal("table 'users' is listed twice", e.Message);
        Assert.Equal((6, 5), Pos(e));
    }

    [Fact]
    public void Parse_TwoEntitiesWritingOneTargetTable_IsReported()
    {
        var e = SingleEntityError("  - table: a", "    to: merged", "  - table: b", "    to: merged");

        Assert.Equal("two entities write to target table 'merged'", e.Message);
    }

    [Fact]
    public void Parse_ColumnDroppedAndRenamed_ReportsTheColumn()
    {
        var e = SingleEntityError("  - table: t", "    columns:", "      x: { drop: true, rename: y }");

        Assert.Equal("column 'x' is dropped and also transformed", e.Message);
        Assert.Equal((6, 7), Pos(e));
    }

    [Theory]
    [InlineData("text; drop table x")]
    [InlineData("int)")]
    [InlineData("varchar(10")]
    public void Parse_TypeThatIsNotAPlainTypeName_IsRefused(string type)
    {
        var e = SingleEntityError("  - table: t", "    columns:", $"      x: {{ type: \"{type}\" }}");

        Assert.Equal($"type '{type}' of column 'x' is not a plain type name", e.Message);
        Assert.Equal((6, 12), Pos(e));
    }

    [Theory]
    [InlineData("double precision")]
    [InlineData("numeric(10,2)")]
    [InlineData("decimal( -3 , +4 )")]
    public void Parse_PlainTypeNames_AreAccepted(string type)
    {
        var plan = Plans.Entities("  - table: t", "    columns:", $"      x: {{ type: \"{type}\" }}");

        Assert.Equal(type, plan.Entities[0].Columns[0].Type);
    }

    [Fact]
    public void Parse_CheckWithoutExpect_NamesTheCheck()
    {
        var e = Single([.. Plans.Header, "  - table: t", "checks:", "  - name: c1", "    sql: SELECT 1"]);

        Assert.Equal("check 'c1' needs a single expected value", e.Message);
        Assert.Equal((6, 5), Pos(e));
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOneAtItsLine()
    {
        var (plan, errors) = Plans.Parse(
            "source: sqlite:a.db",                      // 1  (no target: reported at the root, 1:1)
            "batchsize: 10",                            // 2  unknown key
            "on_error: maybe",                          // 3  bad enum, value at column 11
            "entities:",                                // 4
            "  - table: a",                             // 5
            "    kee: id",                              // 6  unknown key
            "  - table: a",                             // 7  listed twice, so also a second writer of target 'a'
            "    columns:",                             // 8
            "      x: { drop: true, rename: y }",       // 9  dropped and renamed
            "checks:",                                  // 10
            "  - name: c1",                             // 11 no expect: reported at the check
            "    sql: SELECT 1");                       // 12

        Assert.Null(plan);
        Assert.Equal(8, errors.Count);
        Assert.Equal(
            [(1, 1), (2, 1), (3, 11), (6, 5), (7, 5), (7, 5), (9, 7), (11, 5)],
            errors.Select(Pos).Order());
    }

    [Fact]
    public void Parse_DuplicateCheckNames_AreReported()
    {
        var e = Single([.. Plans.Header, "  - table: t", "checks:", "  - { name: c, sql: SELECT 1, expect: 1 }", "  - { name: c, sql: SELECT 2, expect: 2 }"]);

        Assert.Equal("check name 'c' is used twice", e.Message);
        Assert.Equal(7, e.At.Line);
    }

    [Fact]
    public void Parse_NotAMapping_AsksForAMapping()
    {
        var e = Single("- just", "- a list");

        Assert.StartsWith("the plan must be a YAML mapping", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NameWithSpaces_IsRefused()
    {
        var e = Single("name: my plan", "source: a", "target: b", "entities: []");

        Assert.Equal("name 'my plan' may only use letters, digits, '.', '_' and '-'", e.Message);
        Assert.Equal((1, 1), Pos(e));
    }
}

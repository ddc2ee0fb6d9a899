using Cutover.Core.Tests.Support;
using Cutover.Plan;
using Cutover.Schema;
using static Cutover.Core.Tests.Support.Schemas;

namespace Cutover.Core.Tests.Plan;

public class StarterPlanTests
{
    private static MigrationPlan WriteAndParse(DatabaseSchema schema, string source = "sqlite:./app.db")
    {
        var text = StarterPlan.Write(schema, source, "sqlite:./app_v2.db", "starter");
        var (plan, errors) = PlanLoader.Parse(text, Plans.File);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n---\n" + text);
        return plan!;
    }

    [Fact]
    public void Write_DateJsonAndBooleanColumns_SuggestTypesAsAComment_AndUncommentedItParses()
    {
        var schema = Db(Table("events", [Col("id", pk: 1), Col("at", "DATETIME"), Col("meta", "JSON"), Col("done", "BOOLEAN"), Col("note", "TEXT")]));

        var text = StarterPlan.Write(schema, "sqlite:./app.db", "sqlite:./app_v2.db", "starter");
        var plan = WriteAndParse(schema);
        var uncommented = text.Replace("# types:", "types:", StringComparison.Ordinal).Replace("#   dates:", "  dates:", StringComparison.Ordinal)
            .Replace("#   json:", "  json:", StringComparison.Ordinal).Replace("#   booleans:", "  booleans:", StringComparison.Ordinal);
        var (typed, errors) = PlanLoader.Parse(uncommented, Plans.File);

        Assert.Contains("# 3 columns are declared as dates, JSON or booleans (events.at, events.meta, events.done).", text, StringComparison.Ordinal);
        Assert.Single(plan.Entities);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n---\n" + uncommented);
        Assert.Equal(DatesOption.Iso, typed!.Types.Dates);
        Assert.DoesNotContain("types:", StarterPlan.Write(Db(Table("plain", [Col("id", pk: 1), Col("v", "TEXT")])), "sqlite:./a.db", "sqlite:./b.db", "p"), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OddTableNames_ParsesBackToSameNames()
    {
        string[] names = ["order items", "it's \"quoted\"", "order", "true", "back\\slash", "NULL", "ends:", "x #y", "- dash"];
        var schema = Db([.. names.Select(n => Table(n, [Col("id", pk: 1)]))]);

        var plan = WriteAndParse(schema);

        Assert.Equal(names, plan.Entities.Select(e => e.Table));
        Assert.All(plan.Entities, e => Assert.Equal(["id"], e.Key));
    }

    [Fact]
    public void Write_CompositeAndRowidKeys_ParseBack()
    {
        var schema = Db(
            Table("pairs", [Col("a", pk: 1), Col("b c", pk: 2), Col("d:e", pk: 3)]),
            Table("logs", [Col("msg", "TEXT")]));

        var plan = WriteAndParse(schema);

        Assert.Equal(["a", "b c", "d:e"], plan.Entities[0].Key);
        Assert.True(plan.Entities[1].KeyIsRowid);
    }

    [Fact]
    public void Write_ForeignKeys_BecomeReferencesInParentFirstOrder()
    {
        var schema = Db(
            Table("line items", [Col("id", pk: 1), Col("order id")], foreignKeys: [Fk("order id", "order", "id")]),
            Table("order", [Col("id", pk: 1)]));

        var plan = WriteAndParse(schema);

        Assert.Equal(["order", "line items"], plan.Entities.Select(e => e.Table));
        var r = Assert.Single(plan.Entities[1].References);
        Assert.Equal(("order id", "order"), (r.Column, r.Entity));
    }

    [Fact]
    public void Write_Views_ListedAsCommentNotEntities()
    {
        var schema = new DatabaseSchema([Table("t", [Col("id", pk: 1)])], ["v_active", "v_all"]);

        var text = StarterPlan.Write(schema, "sqlite:a.db", "sqlite:b.db", "p");
        var plan = WriteAndParse(schema);

        Assert.Contains("# views and virtual tables (hold no rows of their own; not copied): v_active, v_all", text, StringComparison.Ordinal);
        Assert.Equal(["t"], plan.Entities.Select(e => e.Table));
    }

    [Fact]
    public void Write_SourceNeedingQuotes_ParsesBackExactly()
    {
        var plan = WriteAndParse(Db(Table("t", [Col("id", pk: 1)])), "sqlite:C:\\data\\my app.db");

        Assert.Equal("sqlite:C:\\data\\my app.db", plan.Source);
        Assert.Equal("starter", plan.Name);
    }

    [Fact]
    public void Write_NoTables_GivesAPlanThatSaysItHasNoEntities()
    {
        var text = StarterPlan.Write(Db(), "sqlite:./app.db", "sqlite:./app_v2.db", "starter");

        var (plan, errors) = PlanLoader.Parse(text, Plans.File);

        Assert.Null(plan);
        Assert.Contains("the plan has no entities", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("users", "users")]
    [InlineData("sqlite:./app.db", "sqlite:./app.db")]
    [InlineData("_x-1.y/z", "_x-1.y/z")]
    [InlineData("true", "\"true\"")]
    [InlineData("No", "\"No\"")]
    [InlineData("null", "\"null\"")]
    [InlineData("~", "\"~\"")]
    [InlineData("a b", "\"a b\"")]
    [InlineData("ends:", "\"ends:\"")] // a trailing ':' would start a mapping
    [InlineData("1abc", "\"1abc\"")]
    [InlineData("", "\"\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    public void Scalar_Text_IsPlainOnlyWhenSafe(string input, string expected)
    {
        Assert.Equal(expected, StarterPlan.Scalar(input));
    }
}

using Cutover.Core.Tests.Support;
using Cutover.Plan;

namespace Cutover.Core.Tests.Plan;

/// <summary>The plan's <c>state:</c>: a SQLite file (the default) or a postgres:// database, and where the state folder is.</summary>
public class PlanStateTests
{
    private static (MigrationPlan? Plan, List<PlanError> Errors) WithState(string state) =>
        Plans.Parse("name: p", "source: sqlite:a.db", "target: sqlite:b.db", $"state: '{state}'", "entities:", "  - table: t");

    [Theory]
    [InlineData("postgres://u:pw@h:5432/db")]
    [InlineData("postgresql://u@h/db?sslmode=require")]
    [InlineData("POSTGRES://u@h/db")]
    public void Parse_PostgresState_IsRemoteAndTheFolderStaysBesideThePlan(string state)
    {
        var (plan, errors) = WithState(state);

        Assert.Empty(errors);
        Assert.True(plan!.StateIsRemote);
        Assert.Equal(Path.Combine(plan.BaseDirectory, ".cutover", "p"), plan.StateDirectory);
        Assert.Throws<InvalidOperationException>(() => plan.StatePath);
        Assert.Equal(4, plan.StateAt.Line);
    }

    [Theory]
    [InlineData("sqlite:./s/state.db")]
    [InlineData("./s/state.db")]
    public void Parse_SqliteState_IsLocalWithItsFolder(string state)
    {
        var (plan, errors) = WithState(state);

        Assert.Empty(errors);
        Assert.False(plan!.StateIsRemote);
        Assert.Equal(Path.Combine(plan.BaseDirectory, "s", "state.db"), plan.StatePath);
        Assert.Equal(Path.Combine(plan.BaseDirectory, "s"), plan.StateDirectory);
    }

    [Fact]
    public void Parse_NoState_DefaultsToTheStateFolder()
    {
        var plan = Plans.Entities("  - table: t");

        Assert.False(plan.StateIsRemote);
        Assert.Equal(Path.Combine(plan.BaseDirectory, ".cutover", "plan", "state.db"), plan.StatePath);
    }

    [Theory]
    [InlineData("mysql://u:secretpw@h/db", "not a state store Cutover knows")]
    [InlineData("postgres://u:secretpw@h:5432", "names no database")]
    [InlineData("postgres://u:secretpw@h/", "names no database")]
    [InlineData("sqlite:", "names no file")]
    public void Parse_BadState_IsAPlanErrorAtItsLine(string state, string message)
    {
        var (plan, errors) = WithState(state);

        Assert.Null(plan);
        var e = Assert.Single(errors);
        Assert.Equal(4, e.At.Line);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secretpw", e.Message, StringComparison.Ordinal);
    }
}

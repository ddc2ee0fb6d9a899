using Cutover.Schema;
using static Cutover.Core.Tests.Support.Schemas;

namespace Cutover.Core.Tests.Schema;

public class DependencyOrderTests
{
    private static TableSchema T(string name, params string[] parents) =>
        Table(name, [Col("id", pk: 1), .. parents.Select(p => Col(p + "_id"))], foreignKeys: [.. parents.Select(p => Fk(p + "_id", p, "id"))]);

    private static List<string> Names(IReadOnlyList<TableSchema> order) => order.Select(t => t.Name).ToList();

    [Fact]
    public void Sort_ChildListedFirst_ParentComesFirst()
    {
        var (order, cycles) = DependencyOrder.Sort([T("comments", "posts"), T("posts", "users"), T("users")]);

        Assert.Equal(["users", "posts", "comments"], Names(order));
        Assert.Empty(cycles);
    }

    [Fact]
    public void Sort_IndependentTables_KeepSourceOrder()
    {
        var (order, _) = DependencyOrder.Sort([T("zeta"), T("alpha"), T("mid")]);

        Assert.Equal(["zeta", "alpha", "mid"], Names(order));
    }

    [Fact]
    public void Sort_SeveralChildren_KeepSourceOrderAmongReadyTables()
    {
        var (order, _) = DependencyOrder.Sort([T("b_child", "p"), T("p"), T("a_child", "p"), T("solo")]);

        Assert.Equal(["p", "solo", "b_child", "a_child"], Names(order));
    }

    [Fact]
    public void Sort_SelfReference_IsIgnored()
    {
        var (order, cycles) = DependencyOrder.Sort([T("employees", "employees"), T("x")]);

        Assert.Equal(["employees", "x"], Names(order));
        Assert.Empty(cycles);
    }

    [Fact]
    public void Sort_ReferenceToTableNotInList_IsIgnored()
    {
        var (order, cycles) = DependencyOrder.Sort([T("a", "ghost")]);

        Assert.Equal(["a"], Names(order));
        Assert.Empty(cycles);
    }

    [Fact]
    public void Sort_ParentNameInOtherCase_StillOrdersParentFirst()
    {
        var (order, _) = DependencyOrder.Sort([T("child", "PARENT"), T("parent")]);

        Assert.Equal(["parent", "child"], Names(order));
    }

    [Fact]
    public void Sort_TwoCycle_BrokenAtFirstTableAndReported()
    {
        var (order, cycles) = DependencyOrder.Sort([T("a", "b"), T("b", "a"), T("c", "b")]);

        Assert.Equal(["a", "b", "c"], Names(order));
        var cycle = Assert.Single(cycles);
        Assert.Equal("a references b, which reference it back; a goes first", cycle);
    }

    [Fact]
    public void Sort_Cycle_BrokenAtTableWithFewestUnmetParents()
    {
        // x needs y and z; y needs x; z needs y. y has one unmet parent, x has two, z one: y (first of the fewest) goes first.
        var (order, cycles) = DependencyOrder.Sort([T("x", "y", "z"), T("y", "x"), T("z", "y")]);

        Assert.Equal(["y", "z", "x"], Names(order));
        Assert.StartsWith("y references x", Assert.Single(cycles), StringComparison.Ordinal);
    }

    [Fact]
    public void Sort_Empty_IsEmpty()
    {
        var (order, cycles) = DependencyOrder.Sort([]);

        Assert.Empty(order);
        Assert.Empty(cycles);
    }
}

using Cutover.Connectors;
using Cutover.Schema;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.Testing.Conformance;

/// <summary>What <c>cutover audit</c> asks of a target: rows whose foreign keys point nowhere, and the store's own checks.</summary>
public abstract partial class TargetStoreConformance
{
    private static readonly IReadOnlyList<ColumnSpec> ChildColumns = [new("k", ValueKind.Integer), new("parent", ValueKind.Integer), new("v", ValueKind.Text)];

    private static readonly IReadOnlyList<ColumnSpec> PairParentColumns = [new("a", ValueKind.Integer), new("b", ValueKind.Text), new("v", ValueKind.Text)];

    private static readonly IReadOnlyList<ColumnSpec> PairChildColumns = [new("k", ValueKind.Integer), new("pa", ValueKind.Integer), new("pb", ValueKind.Text)];

    /// <summary>A parent (k: 1, 2) and a child table whose <c>parent</c> column references it, both created (no rows in the child).</summary>
    private async Task<(ITargetStore Target, TargetTable Child)> ParentAndChildAsync(string prefix)
    {
        var parent = Table(prefix + "_parent", KeyValueColumns, "k");
        var child = Table(prefix + "_child", ChildColumns, "k") with { ForeignKeys = [new ForeignKeySchema(["parent"], parent.Name, ["k"])] };
        var target = await CreatedTargetAsync(parent);
        await target.CreateTableAsync(child, replace: false, CancellationToken.None);
        await target.WriteBatchAsync(parent, [[1L, "a"], [2L, "b"]], WriteMode.Insert, false, CancellationToken.None);
        return (target, child);
    }

    [Fact]
    public async Task FindForeignKeyViolationsAsync_ChildrenOfMissingParents_CountsThemAndSamplesTheirKeysInOrder()
    {
        var (target, child) = await ParentAndChildAsync("orphans");
        await target.WriteBatchAsync(child, [[14L, 99L, "x"], [10L, 1L, "ok"], [11L, 98L, "x"], [12L, null, "no parent"], [13L, 2L, "ok"], [15L, 97L, "x"]],
            WriteMode.Insert, false, CancellationToken.None);

        var all = await target.FindForeignKeyViolationsAsync(child, child.ForeignKeys[0], 10, CancellationToken.None);
        var first = await target.FindForeignKeyViolationsAsync(child, child.ForeignKeys[0], 2, CancellationToken.None);

        Assert.Equal(3, all.Count);
        Assert.Equal([11L, 14L, 15L], all.SampleKeys.Select(k => Assert.Single(k)));
        Assert.Equal(3, first.Count);
        Assert.Equal([11L, 14L], first.SampleKeys.Select(k => Assert.Single(k)));
    }

    [Fact]
    public async Task FindForeignKeyViolationsAsync_EveryReferenceResolvesOrIsNull_FindsNone()
    {
        var (target, child) = await ParentAndChildAsync("resolved");
        await target.WriteBatchAsync(child, [[10L, 1L, "a"], [11L, 2L, "b"], [12L, null, "none"]], WriteMode.Insert, false, CancellationToken.None);

        var found = await target.FindForeignKeyViolationsAsync(child, child.ForeignKeys[0], 10, CancellationToken.None);

        Assert.Equal(0, found.Count);
        Assert.Empty(found.SampleKeys);
    }

    [Fact]
    public async Task FindForeignKeyViolationsAsync_CompositeKeyWithANull_OnlyWholeKeysThatMatchNoParentCount()
    {
        var parent = Table("pair_parent", PairParentColumns, "a", "b");
        var child = Table("pair_child", PairChildColumns, "k") with { ForeignKeys = [new ForeignKeySchema(["pa", "pb"], parent.Name, ["a", "b"])] };
        var target = await CreatedTargetAsync(parent);
        await target.CreateTableAsync(child, replace: false, CancellationToken.None);
        await target.WriteBatchAsync(parent, [[1L, "x", "p"], [2L, "y", "q"]], WriteMode.Insert, false, CancellationToken.None);
        await target.WriteBatchAsync(child, [[1L, 1L, "x"], [2L, 1L, "y"], [3L, null, "zz"], [4L, 2L, "y"], [5L, 3L, null], [6L, 2L, "x"]],
            WriteMode.Insert, false, CancellationToken.None);

        var found = await target.FindForeignKeyViolationsAsync(child, child.ForeignKeys[0], 10, CancellationToken.None);

        Assert.Equal(2, found.Count);
        Assert.Equal([2L, 6L], found.SampleKeys.Select(k => Assert.Single(k)));
    }

    [Fact]
    public async Task CheckIntegrityAsync_HealthyTarget_EveryFindingHoldsWithAKnownCheckId()
    {
        var (target, child) = await ParentAndChildAsync("healthy");
        await target.WriteBatchAsync(child, [[10L, 1L, "a"]], WriteMode.Insert, false, CancellationToken.None);
        string[] known = [AuditChecks.IntegrityCheck, AuditChecks.ForeignKeyCheck, AuditChecks.InvalidIndex, AuditChecks.UnvalidatedConstraint];

        var findings = await target.CheckIntegrityAsync(["healthy_parent", "healthy_child"], CancellationToken.None);

        Assert.All(findings, f => Assert.True(f.Ok, $"{f.Check} {f.Subject}: {f.Detail}"));
        Assert.All(findings, f => Assert.Contains(f.Check, known));
        Assert.All(findings, f => Assert.Equal(0, f.Count));
    }
}

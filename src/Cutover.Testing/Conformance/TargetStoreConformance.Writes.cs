using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Values;

namespace Cutover.Testing.Conformance;

/// <summary>Writing: insert failures, all-or-nothing batches, upsert replays, deletes.</summary>
public abstract partial class TargetStoreConformance
{
    private static object?[] Kv(long k, string? v) => [k, v];

    [Fact]
    public async Task WriteBatch_InsertDuplicateKey_FailsThatRowOthersCommit()
    {
        var table = Table("dup", KeyValueColumns, "k");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, [Kv(2, "original")], WriteMode.Insert, false, CancellationToken.None);

        var result = await target.WriteBatchAsync(table, [Kv(1, "a"), Kv(2, "clash"), Kv(3, "c"), Kv(3, "again")], WriteMode.Insert, false, CancellationToken.None);

        Assert.Equal(2, result.Written);
        Assert.Equal([1, 3], result.Failures.Select(f => f.Index));
        Assert.All(result.Failures, f => Assert.Equal(ErrorCodes.ConstraintViolation, f.Code));
        Assert.All(result.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
        var rows = await ReadAllAsync(target, Request(table));
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r[0]));
        Assert.Equal(["a", "original", "c"], rows.Select(r => r[1]));
    }

    [Fact]
    public async Task WriteBatch_NotNullViolation_ReportsConstraintViolation()
    {
        var plain = Table("notnull", KeyValueColumns, "k");
        var table = plain with { Columns = [plain.Columns[0], plain.Columns[1] with { NotNull = true }] };
        var target = await CreatedTargetAsync(table);

        var result = await target.WriteBatchAsync(table, [Kv(1, null), Kv(2, "ok")], WriteMode.Insert, false, CancellationToken.None);

        Assert.Equal(1, result.Written);
        Assert.Equal(ErrorCodes.ConstraintViolation, Assert.Single(result.Failures).Code);
    }

    [Fact]
    public async Task WriteBatch_StopOnFirstFailure_RollsBackWholeBatch()
    {
        var table = Table("stop", KeyValueColumns, "k");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, [Kv(2, "original")], WriteMode.Insert, false, CancellationToken.None);

        var result = await target.WriteBatchAsync(table, [Kv(1, "a"), Kv(2, "clash"), Kv(3, "c")], WriteMode.Insert, stopOnFirstFailure: true, CancellationToken.None);

        Assert.Equal(0, result.Written);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(1, failure.Index);
        Assert.Equal(ErrorCodes.ConstraintViolation, failure.Code);
        var rows = await ReadAllAsync(target, Request(table));
        Assert.Equal([2L], rows.Select(r => r[0]));
    }

    [Fact]
    public async Task WriteBatch_StopOnFirstFailure_NextBatchStillWrites()
    {
        var table = Table("stopnext", KeyValueColumns, "k");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, [Kv(1, "a")], WriteMode.Insert, false, CancellationToken.None);
        await target.WriteBatchAsync(table, [Kv(1, "clash")], WriteMode.Insert, true, CancellationToken.None);

        var result = await target.WriteBatchAsync(table, [Kv(2, "b")], WriteMode.Insert, true, CancellationToken.None);

        Assert.Equal(1, result.Written);
        Assert.Equal(2, await target.CountAsync("stopnext", CancellationToken.None));
    }

    [Fact]
    public async Task WriteBatch_UpsertReplay_NoDuplicatesAndUpdatesChangedValues()
    {
        var table = Table("upsert", KeyValueColumns, "k");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, [Kv(1, "a"), Kv(2, "b"), Kv(3, "c")], WriteMode.Insert, false, CancellationToken.None);

        var result = await target.WriteBatchAsync(table, [Kv(2, "b2"), Kv(3, "c"), Kv(4, "d")], WriteMode.Upsert, false, CancellationToken.None);

        Assert.Equal(3, result.Written);
        Assert.Empty(result.Failures);
        var rows = await ReadAllAsync(target, Request(table));
        Assert.Equal([1L, 2L, 3L, 4L], rows.Select(r => r[0]));
        Assert.Equal(["a", "b2", "c", "d"], rows.Select(r => r[1]));
    }

    [Fact]
    public async Task WriteBatch_UpsertCompositeKey_UpdatesByWholeKey()
    {
        IReadOnlyList<ColumnSpec> cols = [new("a", ValueKind.Integer), new("b", ValueKind.Text), new("v", ValueKind.Real)];
        var table = Table("upcomp", cols, "a", "b");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, [[1L, "x", 1.0], [1L, "y", 2.0]], WriteMode.Insert, false, CancellationToken.None);

        await target.WriteBatchAsync(table, [[1L, "y", 2.5], [2L, "y", 3.0]], WriteMode.Upsert, false, CancellationToken.None);

        var rows = await ReadAllAsync(target, Request(table));
        Assert.Equal([1.0, 2.5, 3.0], rows.Select(r => r[2]));
    }

    [Fact]
    public async Task WriteBatch_UpsertKeyOnlyTable_ReplayIsNoOp()
    {
        var table = Table("keyonly", [new("k", ValueKind.Integer)], "k");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, [[1L], [2L]], WriteMode.Insert, false, CancellationToken.None);

        var result = await target.WriteBatchAsync(table, [[1L], [2L], [3L]], WriteMode.Upsert, false, CancellationToken.None);

        Assert.Empty(result.Failures);
        Assert.Equal(3, await target.CountAsync("keyonly", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteKeysAsync_GivenKeys_RemovesOnlyThose()
    {
        var table = Table("deleted", KeyValueColumns, "k");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, Enumerable.Range(1, 500).Select(i => Kv(i, "v")).ToList(), WriteMode.Insert, false, CancellationToken.None);

        var keys = Enumerable.Range(1, 500).Where(i => i % 2 == 1).Select(i => (IReadOnlyList<object?>)[(long)i]).Append([9999L]).ToList();
        await target.DeleteKeysAsync(table, keys, CancellationToken.None);

        var rows = await ReadAllAsync(target, Request(table));
        Assert.Equal(Enumerable.Range(1, 500).Where(i => i % 2 == 0).Select(i => (long)i), rows.Select(r => (long)r[0]!));
    }

    [Fact]
    public async Task DeleteKeysAsync_CompositeKey_MatchesWholeTuple()
    {
        IReadOnlyList<ColumnSpec> cols = [new("a", ValueKind.Integer), new("b", ValueKind.Text)];
        var table = Table("delcomp", cols, "a", "b");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, [[1L, "x"], [1L, "y"], [2L, "x"]], WriteMode.Insert, false, CancellationToken.None);

        await target.DeleteKeysAsync(table, [[1L, "x"], [2L, "y"]], CancellationToken.None);

        var rows = await ReadAllAsync(target, Request(table));
        Assert.Equal(["1y", "2x"], rows.Select(r => $"{r[0]}{r[1]}"));
    }

    [Fact]
    public async Task DeleteKeysAsync_NoKeys_DeletesNothing()
    {
        var table = Table("delnone", KeyValueColumns, "k");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, [Kv(1, "a")], WriteMode.Insert, false, CancellationToken.None);

        await target.DeleteKeysAsync(table, [], CancellationToken.None);

        Assert.Equal(1, await target.CountAsync("delnone", CancellationToken.None));
    }
}

using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Schema;
using Cutover.Values;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>ITargetStore.ApplyAsync on PostgreSQL: one transaction, upserts in order then deletes in reverse, idempotent, foreign keys deferred.</summary>
public sealed class PostgreSqlApplyTests : StoreTestBase
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly TargetTable Parent = new("parent",
        [new TargetColumn("id", "bigint", true, null) { Kind = ColumnKind.Integer }, new TargetColumn("name", "text", false, null) { Kind = ColumnKind.Text }],
        ["id"], false, false, false, [], []);

    private static readonly TargetTable Child = new("child",
        [
            new TargetColumn("id", "uuid", true, null) { Kind = ColumnKind.Other },
            new TargetColumn("parent_id", "bigint", true, null) { Kind = ColumnKind.Integer },
            new TargetColumn("amount", "numeric", false, null) { Kind = ColumnKind.Numeric },
            new TargetColumn("at", "timestamptz", false, null) { Kind = ColumnKind.Timestamp },
        ],
        ["id"], false, false, false, [new ForeignKeySchema(["parent_id"], "parent", ["id"])], []);

    private const string C1 = "0d4e9d7c-4f44-4b35-9d1c-5c2a7c1e0001";
    private const string C2 = "0d4e9d7c-4f44-4b35-9d1c-5c2a7c1e0002";

    private async Task<ITargetStore> CreateAsync()
    {
        var store = await TargetAsync();
        await store.CreateTableAsync(Parent, false, None);
        await store.CreateTableAsync(Child, false, None);
        await store.CreateForeignKeysAsync(Child, None);
        return store;
    }

    private Task<object?> Dump() => TestDatabases.ScalarAsync(DatabaseUri,
        "SELECT coalesce((SELECT string_agg(id || '=' || name, ',' ORDER BY id) FROM parent), '') || ' | ' || coalesce((SELECT string_agg(id || '>' || parent_id || ':' || amount, ',' ORDER BY id) FROM child), '')");

    private static Timestamp At => Timestamp.TryParseIso("2026-01-02T03:04:05.000006Z", out var t, out _) ? t : default;

    [Fact]
    public async Task CreateForeignKeys_AreDeferrableInitiallyImmediate()
    {
        await CreateAsync();

        Assert.Equal("true|false", await TestDatabases.ScalarAsync(DatabaseUri, "SELECT condeferrable || '|' || condeferred FROM pg_constraint WHERE contype = 'f'"));
        // Immediate unless deferred: an application's orphan is still refused at once.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => TestDatabases.ExecAsync(DatabaseUri, $"INSERT INTO child VALUES ('{C1}', 99, 1, now())"));
    }

    [Fact]
    public async Task Apply_ParentAndChildInOneBatch_ChildListedFirst_IsForeignKeySafe_AndIdempotent()
    {
        var store = await CreateAsync();
        IReadOnlyList<TableChanges> changes =
        [
            new(Child, [[C1, 1L, Numeric.Parse("12.500"), At], [C2, 1L, 3L, null]], []),
            new(Parent, [[1L, "one"], [2L, "two"]], []),
        ];

        await store.ApplyAsync(changes, None);
        await store.ApplyAsync(changes, None);

        Assert.Equal("1=one,2=two | " + C1 + ">1:12.500," + C2 + ">1:3", await Dump());
        Assert.Equal(At.Microseconds, await TestDatabases.ScalarAsync(DatabaseUri,
            $"SELECT ((extract(epoch FROM at) - 946684800) * 1000000)::bigint FROM child WHERE id = '{C1}'"));
    }

    [Fact]
    public async Task Apply_DeletesRunInReverseOrder_ChildrenBeforeTheirParent()
    {
        var store = await CreateAsync();
        await store.ApplyAsync([new(Parent, [[1L, "one"], [2L, "two"]], []), new(Child, [[C1, 1L, 1L, null]], [])], None);

        IReadOnlyList<TableChanges> delete = [new(Parent, [[2L, "two again"]], [[1L]]), new(Child, [], [[C1]])];
        await store.ApplyAsync(delete, None);
        await store.ApplyAsync(delete, None);

        Assert.Equal("2=two again | ", await Dump());
    }

    [Fact]
    public async Task Apply_TheSameKeyTwiceInOneEntry_TheLaterRowWins()
    {
        var store = await CreateAsync();

        await store.ApplyAsync([new(Parent, [[1L, "first"], [2L, "two"], [1L, "last"]], [])], None);

        Assert.Equal("1=last,2=two | ", await Dump());
    }

    [Fact]
    public async Task Apply_AnOrphanChild_FailsWithConstraintViolation_AndAppliesNothing()
    {
        var store = await CreateAsync();

        var ex = await Assert.ThrowsAsync<CutoverException>(() => store.ApplyAsync(
            [new(Parent, [[1L, "one"]], []), new(Child, [[C1, 42L, 1L, null]], [])], None));

        Assert.Equal(ErrorCodes.ConstraintViolation, ex.Code);
        Assert.Equal(" | ", await Dump());
    }

    [Fact]
    public async Task Apply_AValueTheColumnCannotHold_FailsWithItsKey_BeforeAnySqlRuns()
    {
        var store = await CreateAsync();

        var ex = await Assert.ThrowsAsync<CutoverException>(() => store.ApplyAsync(
            [new(Parent, [[1L, "one"]], []), new(Child, [["not a uuid", 1L, 1L, null]], [])], None));

        Assert.Equal(ErrorCodes.RowRejected, ex.Code);
        Assert.Contains("not a uuid", ex.Message, StringComparison.Ordinal);
        Assert.Equal(" | ", await Dump());
    }

    [Fact]
    public async Task Apply_NothingToApply_DoesNothing()
    {
        var store = await CreateAsync();

        await store.ApplyAsync([new(Parent, [], [])], None);
        await store.ApplyAsync([], None);

        Assert.Equal(" | ", await Dump());
    }
}

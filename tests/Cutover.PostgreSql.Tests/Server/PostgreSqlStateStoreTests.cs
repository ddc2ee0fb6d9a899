using Cutover.Errors;
using Cutover.State;
using Cutover.Testing.Conformance;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>One fresh database for all the state store tests; each test uses its own plan name, so rows never mix.</summary>
public sealed class StateDatabaseFixture : IAsyncLifetime
{
    private readonly TestDatabases _databases = new();

    public string Uri { get; private set; } = "";

    public async Task InitializeAsync() => Uri = await _databases.CreateAsync();

    public Task DisposeAsync() => _databases.DisposeAsync().AsTask();
}

/// <summary>The state store conformance suite on PostgreSQL (a fresh plan per test), plus plan scoping, read-only opening and the advisory lock.</summary>
public sealed class PostgreSqlStateStoreTests(StateDatabaseFixture db) : StateStoreConformance, IClassFixture<StateDatabaseFixture>
{
    private readonly string _plan = "plan-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IAsyncDisposable> _open = [];

    private PostgreSqlStateStore PgState => (PostgreSqlStateStore)State;

    protected override async Task<IStateStore> OpenStoreAsync(TimeProvider clock) =>
        (await PostgreSqlStateStore.OpenAsync(db.Uri, _plan, create: true, None, clock))!;

    protected override async Task<string?> StoredRunStatusAsync()
    {
        await using var conn = await TestDatabases.OpenAsync(db.Uri);
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT status FROM cutover_state.runs WHERE plan = @p", conn);
        cmd.Parameters.AddWithValue("p", _plan);
        return (string?)await cmd.ExecuteScalarAsync();
    }

    protected override async Task CleanupAsync()
    {
        foreach (var s in _open)
        {
            await s.DisposeAsync();
        }
    }

    /// <summary>Another store on the same database (closed after the test).</summary>
    private async Task<PostgreSqlStateStore> OpenAsync(string plan, bool create, string? uri = null)
    {
        var s = (await PostgreSqlStateStore.OpenAsync(uri ?? db.Uri, plan, create, None, Clock))!;
        _open.Add(s);
        return s;
    }

    [Fact]
    public async Task Rows_AreScopedByPlan_OneDatabaseHoldsManyPlans()
    {
        var run = await State.StartRunAsync("plan", "h", None);
        await State.AddIdsAsync("users", [Pair(1L, "mine")], None);
        await State.SetValueAsync(ControlKeys.Authority, "target", None);
        await State.AuditAsync("mine", "x", None);

        var other = await OpenAsync(_plan + "-other", create: true);
        await other.AddIdsAsync("users", [Pair(1L, "theirs")], None);

        Assert.Null(await other.LatestRunAsync(None));
        Assert.Equal("source", await other.GetValueAsync(ControlKeys.Authority, None));
        Assert.Empty(await other.AuditLogAsync(10, None));
        Assert.Equal("theirs", (await other.LookupIdsAsync("users", [1L], None))[1L]);
        Assert.Equal("mine", (await State.LookupIdsAsync("users", [1L], None))[1L]);
        Assert.Equal(run.Id, (await State.LatestRunAsync(None))!.Id);
    }

    [Fact]
    public async Task Open_ReadOnlyOnDatabaseWithoutState_ReturnsNullAndCreatesNothing()
    {
        var fresh = new TestDatabases();
        try
        {
            var uri = await fresh.CreateAsync();

            Assert.Null(await PostgreSqlStateStore.OpenAsync(uri, "p", create: false, None));

            await using var conn = await TestDatabases.OpenAsync(uri);
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'cutover_state'", conn);
            Assert.Equal(0L, await cmd.ExecuteScalarAsync());
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task Open_ReadOnly_SeesDataButCannotWrite_AndDisplayHidesThePassword()
    {
        var run = await State.StartRunAsync("plan", "h", None);

        var ro = await OpenAsync(_plan, create: false);

        Assert.Equal(run.Id, (await ro.LatestRunAsync(None))!.Id);
        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => ro.SetValueAsync("k", "v", None));
        Assert.Equal("25006", ex.SqlState); // read_only_sql_transaction
        Assert.StartsWith("postgres", ro.Display);
        Assert.DoesNotContain(new TestServer().Builder.Password!, ro.Display);
    }

    [Fact]
    public async Task Open_Unreachable_IsStateUnreachable()
    {
        var ex = await Assert.ThrowsAsync<CutoverException>(() => PostgreSqlStateStore.OpenAsync(db.Uri + "_missing", _plan, create: true, None));

        Assert.Equal(ErrorCodes.StateUnreachable, ex.Code);
    }

    [Fact]
    public async Task LockPlanAsync_SecondStoreOnSamePlan_RunLockedUntilTheFirstCloses()
    {
        var first = await OpenAsync(_plan, create: true);
        await first.LockPlanAsync(None);
        var second = await OpenAsync(_plan, create: true);
        var otherPlan = await OpenAsync(_plan + "-b", create: true);

        var ex = await Assert.ThrowsAsync<CutoverException>(() => second.LockPlanAsync(None));
        await otherPlan.LockPlanAsync(None);
        Assert.True(await second.IsPlanLockedAsync(None));

        Assert.Equal(ErrorCodes.RunLocked, ex.Code);
        Assert.Contains(_plan, ex.Message);
        Assert.Contains("another cutover process holds this plan's lock in the state database", ex.Message);

        await first.DisposeAsync();
        await second.LockPlanAsync(None);
        var third = await OpenAsync(_plan, create: false);
        Assert.True(await third.IsPlanLockedAsync(None));
    }

    [Fact]
    public async Task IsPlanLockedAsync_NobodyHoldsIt_FalseAndLeavesItFree()
    {
        Assert.False(await PgState.IsPlanLockedAsync(None));
        var other = await OpenAsync(_plan, create: true);

        await other.LockPlanAsync(None);
    }

    [Fact]
    public async Task DuplicateNewIdsAsync_NewIdsGivenTwiceBehindTheStoresBack_CountsAndNamesThemInOrder()
    {
        // A database of its own: the test drops the unique constraint that keeps new ids apart.
        var fresh = new TestDatabases();
        try
        {
            var uri = await fresh.CreateAsync();
            var state = await OpenAsync(_plan, create: true, uri);
            await state.AddIdsAsync("users", [Pair(1L, "B"), Pair(2L, "A"), Pair(3L, "C")], None);
            await TestDatabases.ExecAsync(uri,
                """
                DO $$ BEGIN
                  EXECUTE (SELECT format('ALTER TABLE cutover_state.idmap DROP CONSTRAINT %I', conname) FROM pg_constraint
                           WHERE conrelid = 'cutover_state.idmap'::regclass AND contype = 'u');
                END $$
                """,
                $"""
                INSERT INTO cutover_state.idmap (plan, entity, old_kind, old_int, old_text, new_key) VALUES
                  ('{_plan}', 'users', 0, 4, '', 'B'), ('{_plan}', 'users', 1, 0, 'x', 'A'), ('{_plan}', 'users', 0, 5, '', 'A'),
                  ('{_plan}', 'other', 0, 1, '', 'C'), ('{_plan}-b', 'users', 0, 1, '', 'C')
                """);

            var (count, samples) = await state.DuplicateNewIdsAsync("users", 10, None);
            var (_, first) = await state.DuplicateNewIdsAsync("users", 1, None);

            Assert.Equal(2, count);
            Assert.Equal(["A", "B"], samples);
            Assert.Equal(["A"], first);
        }
        finally
        {
            foreach (var s in _open)
            {
                await s.DisposeAsync();
            }
            _open.Clear();
            await fresh.DisposeAsync();
        }
    }
}

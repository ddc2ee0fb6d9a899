using Cutover.Errors;
using Cutover.State;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>One fresh database for all the state store tests; each test uses its own plan name, so rows never mix.</summary>
public sealed class StateDatabaseFixture : IAsyncLifetime
{
    private readonly TestDatabases _databases = new();

    public string Uri { get; private set; } = "";

    public async Task InitializeAsync() => Uri = await _databases.CreateAsync();

    public Task DisposeAsync() => _databases.DisposeAsync().AsTask();
}

/// <summary>The PostgreSQL state store, mirroring the SQLite state store tests, plus plan scoping and the advisory lock.</summary>
public sealed class PostgreSqlStateStoreTests(StateDatabaseFixture db) : IClassFixture<StateDatabaseFixture>, IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Clock _clock = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(2)));
    private readonly string _plan = "plan-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IAsyncDisposable> _open = [];
    private PostgreSqlStateStore _state = null!;

    public async Task InitializeAsync() => _state = await OpenAsync(_plan, create: true);

    public async Task DisposeAsync()
    {
        foreach (var s in _open)
        {
            await s.DisposeAsync();
        }
    }

    private async Task<PostgreSqlStateStore> OpenAsync(string plan, bool create, string? uri = null)
    {
        var s = (await PostgreSqlStateStore.OpenAsync(uri ?? db.Uri, plan, create, None, _clock))!;
        _open.Add(s);
        return s;
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; private set; } = now;

        public void Advance(TimeSpan by) => Now += by;

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }

    private FailureRecord Failure(string entity, string key, string code) => new(0, "run-1", entity, key, code, "msg " + code, _clock.Now, null);

    private static KeyValuePair<object, string> Pair(object old, string @new) => new(old, @new);

    private async Task<List<KeyValuePair<object, string>>> ListAsync(IStateStore state, string entity, object? oldKey = null)
    {
        var list = new List<KeyValuePair<object, string>>();
        await foreach (var kv in state.ListIdsAsync(entity, oldKey, None))
        {
            list.Add(kv);
        }
        return list;
    }

    [Fact]
    public async Task StartRunAsync_NewRun_IsLatestAndRunning()
    {
        Assert.Null(await _state.LatestRunAsync(None));

        var run = await _state.StartRunAsync("plan", "hash1", None);
        var latest = await _state.LatestRunAsync(None);

        Assert.Equal(run, latest);
        Assert.Equal((RunStatus.Running, Phases.Preflight), (run.Status, run.Phase));
        Assert.Equal(_clock.Now, run.StartedAt);
        Assert.Equal(26, run.Id.Length);
    }

    [Fact]
    public async Task UpdateRunAsync_AllFields_StoredAndUpdatedAtMoves()
    {
        var run = await _state.StartRunAsync("plan", "hash1", None);
        _clock.Advance(TimeSpan.FromMinutes(5));
        var finished = _clock.Now;

        await _state.UpdateRunAsync(run with { PlanHash = "hash2", Phase = Phases.Copy, Status = RunStatus.RolledBack, FinishedAt = finished, ErrorCode = "X", ErrorMessage = "boom", ActiveSeconds = 12.5 }, None);
        var latest = (await _state.LatestRunAsync(None))!;

        Assert.Equal(run with { PlanHash = "hash2", Phase = Phases.Copy, Status = RunStatus.RolledBack, FinishedAt = finished, ErrorCode = "X", ErrorMessage = "boom", ActiveSeconds = 12.5, UpdatedAt = finished.ToUniversalTime() }, latest);
        await using var conn = await TestDatabases.OpenAsync(db.Uri);
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT status FROM cutover_state.runs WHERE plan = @p", conn);
        cmd.Parameters.AddWithValue("p", _plan);
        Assert.Equal("rolled_back", await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task LatestRunAsync_SeveralRunsIncludingSameMillisecond_ReturnsNewest()
    {
        await _state.StartRunAsync("plan", "h", None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _state.StartRunAsync("plan", "h", None);
        var third = await _state.StartRunAsync("plan", "h", None);

        Assert.Equal(third.Id, (await _state.LatestRunAsync(None))!.Id);
    }

    [Fact]
    public async Task SaveProgressAsync_SameRunAndEntity_UpsertsOneRow()
    {
        var p = new EntityProgress("run-1", "users", 100, 10, 9, 1, "[9]", 3, "copying", 1.5);
        await _state.SaveProgressAsync(p, None);
        await _state.SaveProgressAsync(p with { Entity = "orders" }, None);
        await _state.SaveProgressAsync(p with { RunId = "run-2" }, None);

        await _state.SaveProgressAsync(p with { Read = 100, Written = 99, Checkpoint = null, InFlight = 0, Status = "done", Seconds = 4.25 }, None);

        var progress = await _state.ProgressAsync("run-1", None);
        Assert.Equal([p with { Read = 100, Written = 99, Checkpoint = null, InFlight = 0, Status = "done", Seconds = 4.25 }, p with { Entity = "orders" }], progress);
    }

    [Fact]
    public async Task RecordFailuresAsync_SameEntityAndKey_UpdatedNeverDuplicated()
    {
        await _state.RecordFailuresAsync([Failure("users", "[1]", "A"), Failure("users", "[2]", "A"), Failure("orders", "[1]", "A")], None);
        _clock.Advance(TimeSpan.FromMinutes(1));

        await _state.RecordFailuresAsync([Failure("users", "[1]", "B"), Failure("users", "[1]", "C")], None);

        var users = await _state.FailuresAsync("users", unresolvedOnly: false, None);
        Assert.Equal(["[1] C", "[2] A"], users.Select(f => $"{f.Key} {f.Code}"));
        Assert.Equal(_clock.Now, users[0].At);
        Assert.Equal(3, (await _state.FailuresAsync(null, false, None)).Count);
    }

    [Fact]
    public async Task ResolveFailureAsync_ThenRecordedAgain_UnresolvedWithSameId()
    {
        await _state.RecordFailuresAsync([Failure("users", "[1]", "A"), Failure("users", "[2]", "A")], None);
        var first = (await _state.FailuresAsync("users", false, None))[0];

        await _state.ResolveFailureAsync(first.Id, None);
        var unresolved = await _state.FailuresAsync("users", unresolvedOnly: true, None);
        var resolved = (await _state.FailuresAsync("users", false, None))[0];
        await _state.RecordFailuresAsync([Failure("users", "[1]", "B")], None);
        var again = (await _state.FailuresAsync("users", unresolvedOnly: true, None)).Single(f => f.Key == "[1]");

        Assert.Equal(["[2]"], unresolved.Select(f => f.Key));
        Assert.Equal(_clock.Now, resolved.ResolvedAt);
        Assert.Equal(first.Id, again.Id);
        Assert.Null(again.ResolvedAt);
    }

    [Fact]
    public async Task GetValueAsync_ControlDefaultsAndOverrides()
    {
        Assert.Equal("source", await _state.GetValueAsync(ControlKeys.Authority, None));
        Assert.Equal("off", await _state.GetValueAsync(ControlKeys.Maintenance, None));
        Assert.Equal("legacy", await _state.GetValueAsync(ControlKeys.Stage, None));
        Assert.Null(await _state.GetValueAsync("missing", None));

        await _state.SetValueAsync(ControlKeys.Authority, "target", None);
        await _state.SetValueAsync(ControlKeys.SourceModified, "true", None);
        await _state.SetValueAsync(ControlKeys.SourceModified, null, None);

        Assert.Equal("target", await _state.GetValueAsync(ControlKeys.Authority, None));
        Assert.Null(await _state.GetValueAsync(ControlKeys.SourceModified, None));
    }

    [Fact]
    public async Task AddBackupAsync_ThenMarkVerified_RoundTrips()
    {
        var b1 = new BackupRecord("b1", "run-1", "target", "sqlite:t.db", "/x/t.db", "abc", 4096, true, _clock.Now, null);
        var b2 = b1 with { Id = "b2", Role = "source", Existed = false, Bytes = 0, CreatedAt = _clock.Now.AddSeconds(1) };
        await _state.AddBackupAsync(b2, None);
        await _state.AddBackupAsync(b1, None);

        await _state.MarkBackupVerifiedAsync("b1", _clock.Now.AddMinutes(2), None);

        Assert.Equal([b1 with { VerifiedAt = _clock.Now.AddMinutes(2) }, b2], await _state.BackupsAsync(None));
    }

    [Fact]
    public async Task AuditLogAsync_NewestFirstUpToLimit()
    {
        await _state.AuditAsync("a1", "first", None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _state.AuditAsync("a2", "second", None);
        await _state.AuditAsync("a3", "third 'quoted'", None);

        var log = await _state.AuditLogAsync(2, None);

        Assert.Equal(["a3 third 'quoted'", "a2 second"], log.Select(e => $"{e.Action} {e.Detail}"));
        Assert.All(log, e => Assert.Equal(_clock.Now, e.At));
        Assert.All(log, e => Assert.Contains('@', e.Actor));
        Assert.True(log[0].Id > log[1].Id);
    }

    [Fact]
    public async Task AddIdsAsync_KeyAlreadyMapped_FirstIdWins()
    {
        await _state.AddIdsAsync("users", [Pair(1L, "A"), Pair(2L, "B")], None);

        await _state.AddIdsAsync("users", [Pair(1L, "Z"), Pair(3L, "C"), Pair(2L, "B"), Pair(3L, "D")], None);

        var map = await _state.LookupIdsAsync("users", [1L, 2L, 3L], None);
        Assert.Equal("A", map[1L]);
        Assert.Equal("B", map[2L]);
        Assert.Equal("C", map[3L]);
        Assert.Equal(3, await _state.CountIdsAsync("users", None));
    }

    [Fact]
    public async Task LookupIdsAsync_LongKeys_ReturnsBoxedLongsAndSkipsUnmapped()
    {
        await _state.AddIdsAsync("users", [Pair(10L, "ten"), Pair(long.MaxValue, "max"), Pair(-5L, "neg")], None);

        var map = await _state.LookupIdsAsync("users", [10L, long.MaxValue, -5L, 99L, 10L], None);

        Assert.Equal(3, map.Count);
        Assert.All(map.Keys, k => Assert.IsType<long>(k));
        Assert.Equal("max", map[long.MaxValue]);
        Assert.False(map.ContainsKey(99L));
    }

    [Fact]
    public async Task LookupIdsAsync_StringKeys_KeepTheirKindApartFromEqualLookingLongs()
    {
        await _state.AddIdsAsync("users", [Pair("abc", "s1"), Pair("1", "s2"), Pair(1L, "l1"), Pair("Grüße 🎉", "s3")], None);

        var map = await _state.LookupIdsAsync("users", ["abc", "1", 1L, "Grüße 🎉", "ABC"], None);

        Assert.Equal("s1", map["abc"]);
        Assert.Equal("s2", map["1"]);
        Assert.Equal("l1", map[1L]);
        Assert.Equal("s3", map["Grüße 🎉"]);
        Assert.False(map.ContainsKey("ABC"));
        var listed = await ListAsync(_state, "users");
        Assert.Equal([Pair(1L, "l1"), Pair("1", "s2"), Pair("Grüße 🎉", "s3"), Pair("abc", "s1")], listed); // integers first, then texts bytewise
        Assert.IsType<long>(listed[0].Key);
        Assert.IsType<string>(listed[1].Key);
    }

    [Fact]
    public async Task LookupIdsAsync_MoreKeysThanOneChunk_FindsAll()
    {
        await _state.AddIdsAsync("users", Enumerable.Range(1, 6200).Select(i => Pair((long)i, $"id{i:D5}")).ToList(), None);

        var map = await _state.LookupIdsAsync("users", Enumerable.Range(1, 6300).Select(i => (object)(long)i).ToList(), None);

        Assert.Equal(6200, map.Count);
        Assert.Equal("id06200", map[6200L]);
    }

    [Fact]
    public async Task ListIdsAsync_MoreThanOnePage_ReturnsEveryMappingOnceInKeyOrder()
    {
        var keys = Enumerable.Range(1, 2500).Select(i => (long)((i * 7919L) % 2503) - 1000).ToList();
        await _state.AddIdsAsync("users", keys.Select(k => Pair(k, $"n{k}")).ToList(), None);
        await _state.AddIdsAsync("other", [Pair(1L, "o1")], None);

        var list = await ListAsync(_state, "users");

        Assert.Equal(keys.Order(), list.Select(kv => (long)kv.Key));
        Assert.All(list, kv => Assert.Equal($"n{kv.Key}", kv.Value));
    }

    [Fact]
    public async Task ListIdsAsync_StringKeysOverPages_InOrder()
    {
        var keys = Enumerable.Range(0, 1001).Select(i => $"key-{i:D4}").Append("Key-x").Append("key-ä").Reverse().ToList();
        await _state.AddIdsAsync("docs", keys.Select(k => Pair(k, "v" + k)).ToList(), None);

        var list = await ListAsync(_state, "docs");

        Assert.Equal(keys.Order(StringComparer.Ordinal), list.Select(kv => (string)kv.Key));
    }

    [Fact]
    public async Task ListIdsAsync_OneOldKey_ReturnsOnlyThatMapping()
    {
        await _state.AddIdsAsync("users", [Pair(1L, "a"), Pair(2L, "b"), Pair("2", "s")], None);

        Assert.Equal([Pair(2L, "b")], await ListAsync(_state, "users", 2L));
        Assert.Equal([Pair("2", "s")], await ListAsync(_state, "users", "2"));
        Assert.Empty(await ListAsync(_state, "users", 3L));
    }

    [Fact]
    public async Task CountIdsAsync_PerEntity()
    {
        await _state.AddIdsAsync("a", [Pair(1L, "x"), Pair(2L, "y")], None);
        await _state.AddIdsAsync("b", [Pair(1L, "x")], None);

        Assert.Equal(2, await _state.CountIdsAsync("a", None));
        Assert.Equal(1, await _state.CountIdsAsync("b", None));
        Assert.Equal(0, await _state.CountIdsAsync("c", None));
    }

    [Fact]
    public async Task Rows_AreScopedByPlan_OneDatabaseHoldsManyPlans()
    {
        var run = await _state.StartRunAsync("plan", "h", None);
        await _state.AddIdsAsync("users", [Pair(1L, "mine")], None);
        await _state.SetValueAsync(ControlKeys.Authority, "target", None);
        await _state.AuditAsync("mine", "x", None);

        var other = await OpenAsync(_plan + "-other", create: true);
        await other.AddIdsAsync("users", [Pair(1L, "theirs")], None);

        Assert.Null(await other.LatestRunAsync(None));
        Assert.Equal("source", await other.GetValueAsync(ControlKeys.Authority, None));
        Assert.Empty(await other.AuditLogAsync(10, None));
        Assert.Equal("theirs", (await other.LookupIdsAsync("users", [1L], None))[1L]);
        Assert.Equal("mine", (await _state.LookupIdsAsync("users", [1L], None))[1L]);
        Assert.Equal(run.Id, (await _state.LatestRunAsync(None))!.Id);
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
        var run = await _state.StartRunAsync("plan", "h", None);

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
        Assert.False(await _state.IsPlanLockedAsync(None));
        var other = await OpenAsync(_plan, create: true);

        await other.LockPlanAsync(None);
    }
}

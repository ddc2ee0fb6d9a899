using Cutover.State;

namespace Cutover.Testing.Conformance;

/// <summary>
/// Behaviour every state store must share (runs, progress, failures, control values, backups, audit, the id map),
/// written only against <see cref="IStateStore"/>. A store's test class derives from this and opens the store.
/// </summary>
public abstract partial class StateStoreConformance : IAsyncLifetime
{
    protected static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Starts at a fixed instant with a non-UTC offset, so stores are seen to keep instants, not wall times.</summary>
    protected TestClock Clock { get; } = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(2)));

    /// <summary>The store under test; a test that closes it to reopen it assigns the new one here.</summary>
    protected IStateStore State { get; set; } = null!;

    /// <summary>Opens a new, empty state store for writing, whose clock is <paramref name="clock"/>.</summary>
    protected abstract Task<IStateStore> OpenStoreAsync(TimeProvider clock);

    /// <summary>The status column of the only run, as the store holds it (to check its spelling).</summary>
    protected abstract Task<string?> StoredRunStatusAsync();

    /// <summary>Releases what the store used (files, databases) after it is disposed.</summary>
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => State = await OpenStoreAsync(Clock);

    public async Task DisposeAsync()
    {
        await State.DisposeAsync();
        await CleanupAsync();
    }

    protected FailureRecord Failure(string entity, string key, string code) => new(0, "run-1", entity, key, code, "msg " + code, Clock.Now, null);

    protected static KeyValuePair<object, string> Pair(object old, string @new) => new(old, @new);

    protected static async Task<List<KeyValuePair<object, string>>> ListAsync(IStateStore state, string entity, object? oldKey = null)
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
        Assert.Null(await State.LatestRunAsync(None));

        var run = await State.StartRunAsync("plan", "hash1", None);
        var latest = await State.LatestRunAsync(None);

        Assert.Equal(run, latest);
        Assert.Equal((RunStatus.Running, Phases.Preflight, Clock.Now, Clock.Now), (run.Status, run.Phase, run.StartedAt, run.UpdatedAt));
        Assert.Equal(26, run.Id.Length);
    }

    [Fact]
    public async Task UpdateRunAsync_AllFields_StoredAndUpdatedAtMoves()
    {
        var run = await State.StartRunAsync("plan", "hash1", None);
        Clock.Advance(TimeSpan.FromMinutes(5));
        var finished = Clock.Now;

        await State.UpdateRunAsync(run with { PlanHash = "hash2", Phase = Phases.Copy, Status = RunStatus.RolledBack, FinishedAt = finished, ErrorCode = "X", ErrorMessage = "boom", ActiveSeconds = 12.5 }, None);
        var latest = (await State.LatestRunAsync(None))!;

        Assert.Equal(run with { PlanHash = "hash2", Phase = Phases.Copy, Status = RunStatus.RolledBack, FinishedAt = finished, ErrorCode = "X", ErrorMessage = "boom", ActiveSeconds = 12.5, UpdatedAt = finished }, latest);
        Assert.Equal("rolled_back", await StoredRunStatusAsync());
    }

    [Fact]
    public async Task LatestRunAsync_SeveralRunsIncludingSameMillisecond_ReturnsNewest()
    {
        await State.StartRunAsync("plan", "h", None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await State.StartRunAsync("plan", "h", None);
        var third = await State.StartRunAsync("plan", "h", None);

        Assert.Equal(third.Id, (await State.LatestRunAsync(None))!.Id);
    }

    [Fact]
    public async Task SaveProgressAsync_SameRunAndEntity_UpsertsOneRow()
    {
        var p = new EntityProgress("run-1", "users", 100, 10, 9, 1, "[9]", 3, "copying", 1.5);
        await State.SaveProgressAsync(p, None);
        await State.SaveProgressAsync(p with { Entity = "orders" }, None);
        await State.SaveProgressAsync(p with { RunId = "run-2" }, None);

        await State.SaveProgressAsync(p with { Read = 100, Written = 99, Checkpoint = null, InFlight = 0, Status = "done", Seconds = 4.25 }, None);

        var progress = await State.ProgressAsync("run-1", None);
        Assert.Equal([p with { Read = 100, Written = 99, Checkpoint = null, InFlight = 0, Status = "done", Seconds = 4.25 }, p with { Entity = "orders" }], progress);
    }

    [Fact]
    public async Task RecordFailuresAsync_SameEntityAndKey_UpdatedNeverDuplicated()
    {
        await State.RecordFailuresAsync([Failure("users", "[1]", "A"), Failure("users", "[2]", "A"), Failure("orders", "[1]", "A")], None);
        Clock.Advance(TimeSpan.FromMinutes(1));

        await State.RecordFailuresAsync([Failure("users", "[1]", "B"), Failure("users", "[1]", "C")], None);

        var users = await State.FailuresAsync("users", unresolvedOnly: false, None);
        Assert.Equal(["[1] C", "[2] A"], users.Select(f => $"{f.Key} {f.Code}"));
        Assert.Equal(Clock.Now, users[0].At);
        Assert.Equal(3, (await State.FailuresAsync(null, false, None)).Count);
    }

    [Fact]
    public async Task ResolveFailureAsync_ThenRecordedAgain_UnresolvedWithSameId()
    {
        await State.RecordFailuresAsync([Failure("users", "[1]", "A"), Failure("users", "[2]", "A")], None);
        var first = (await State.FailuresAsync("users", false, None))[0];

        await State.ResolveFailureAsync(first.Id, None);
        var unresolved = await State.FailuresAsync("users", unresolvedOnly: true, None);
        var resolved = (await State.FailuresAsync("users", false, None))[0];
        await State.RecordFailuresAsync([Failure("users", "[1]", "B")], None);
        var again = (await State.FailuresAsync("users", unresolvedOnly: true, None)).Single(f => f.Key == "[1]");

        Assert.Equal(["[2]"], unresolved.Select(f => f.Key));
        Assert.Equal(Clock.Now, resolved.ResolvedAt);
        Assert.Equal(first.Id, again.Id);
        Assert.Null(again.ResolvedAt);
    }

    [Fact]
    public async Task GetValueAsync_ControlDefaultsAndOverrides()
    {
        Assert.Equal("source", await State.GetValueAsync(ControlKeys.Authority, None));
        Assert.Equal("off", await State.GetValueAsync(ControlKeys.Maintenance, None));
        Assert.Equal("legacy", await State.GetValueAsync(ControlKeys.Stage, None));
        Assert.Null(await State.GetValueAsync("missing", None));

        await State.SetValueAsync(ControlKeys.Authority, "target", None);
        await State.SetValueAsync(ControlKeys.SourceModified, "true", None);
        await State.SetValueAsync(ControlKeys.SourceModified, null, None);

        Assert.Equal("target", await State.GetValueAsync(ControlKeys.Authority, None));
        Assert.Null(await State.GetValueAsync(ControlKeys.SourceModified, None));
    }

    [Fact]
    public async Task AddBackupAsync_ThenMarkVerified_RoundTrips()
    {
        var b1 = new BackupRecord("b1", "run-1", "target", "sqlite:t.db", "/x/t.db", "abc", 4096, true, Clock.Now, null);
        var b2 = b1 with { Id = "b2", Role = "source", Existed = false, Bytes = 0, CreatedAt = Clock.Now.AddSeconds(1) };
        await State.AddBackupAsync(b2, None);
        await State.AddBackupAsync(b1, None);

        await State.MarkBackupVerifiedAsync("b1", Clock.Now.AddMinutes(2), None);

        Assert.Equal([b1 with { VerifiedAt = Clock.Now.AddMinutes(2) }, b2], await State.BackupsAsync(None));
    }

    [Fact]
    public async Task AddBackupAsync_TablesAndSkipped_RoundTripInOrder()
    {
        var scoped = new BackupRecord("t", "run-1", "target", "postgres://u:***@h/db", "/x/t.pgdump", "abc", 10, true, Clock.Now, null)
        {
            Tables = ["b \"quoted\"", "a", "Ünïcode"],
            NewTables = [],
        };
        var skipped = new BackupRecord("s", "run-1", "source", "postgres://u:***@h/src", "", "", 0, true, Clock.Now.AddSeconds(1), null)
        {
            Skipped = "backup: target in the plan",
        };
        await State.AddBackupAsync(scoped, None);
        await State.AddBackupAsync(skipped, None);

        var back = await State.BackupsAsync(None);

        Assert.Equal(["t", "s"], back.Select(b => b.Id));
        Assert.Equal(["b \"quoted\"", "a", "Ünïcode"], back[0].Tables);
        Assert.Equal([], back[0].NewTables!);
        Assert.Null(back[0].Skipped);
        Assert.True(back[0].HasFile);
        Assert.Null(back[1].Tables);
        Assert.Null(back[1].NewTables);
        Assert.Equal("backup: target in the plan", back[1].Skipped);
        Assert.False(back[1].HasFile);
    }

    [Fact]
    public async Task AuditLogAsync_NewestFirstUpToLimit()
    {
        await State.AuditAsync("a1", "first", None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await State.AuditAsync("a2", "second", None);
        await State.AuditAsync("a3", "third 'quoted'", None);

        var log = await State.AuditLogAsync(2, None);

        Assert.Equal(["a3 third 'quoted'", "a2 second"], log.Select(e => $"{e.Action} {e.Detail}"));
        Assert.All(log, e => Assert.Equal(Clock.Now, e.At));
        Assert.All(log, e => Assert.Contains('@', e.Actor));
        Assert.True(log[0].Id > log[1].Id);
    }
}

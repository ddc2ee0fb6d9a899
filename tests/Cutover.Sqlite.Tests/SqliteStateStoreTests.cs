using Cutover.Sqlite.Tests.Support;
using Cutover.State;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Tests;

public sealed class SqliteStateStoreTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 891, TimeSpan.Zero));
    private SqliteStateStore _state = null!;

    private string StatePath => _dir.File(Path.Combine(".cutover", "plan", "state.db"));

    public Task InitializeAsync()
    {
        _state = SqliteStateStore.Open(StatePath, create: true, _clock)!;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _state.DisposeAsync();
        _dir.Dispose();
    }

    private FailureRecord Failure(string entity, string key, string code) => new(0, "run-1", entity, key, code, "msg " + code, _clock.Now, null);

    [Fact]
    public async Task StartRunAsync_NewRun_IsLatestAndRunning()
    {
        Assert.Null(await _state.LatestRunAsync(None));

        var run = await _state.StartRunAsync("plan", "hash1", None);
        var latest = await _state.LatestRunAsync(None);

        Assert.Equal(run, latest);
        Assert.Equal((RunStatus.Running, Phases.Preflight, _clock.Now, _clock.Now), (run.Status, run.Phase, run.StartedAt, run.UpdatedAt));
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

        Assert.Equal(run with { PlanHash = "hash2", Phase = Phases.Copy, Status = RunStatus.RolledBack, FinishedAt = finished, ErrorCode = "X", ErrorMessage = "boom", ActiveSeconds = 12.5, UpdatedAt = finished }, latest);
        Assert.Equal("rolled_back", SqliteFile.Scalar(StatePath, "SELECT status FROM runs"));
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
    public void Open_CreateFalseOnMissingFile_ReturnsNullAndCreatesNothing()
    {
        var path = _dir.File(Path.Combine("nowhere", "state.db"));

        Assert.Null(SqliteStateStore.Open(path, create: false));
        Assert.False(Directory.Exists(_dir.File("nowhere")));
    }

    [Fact]
    public async Task Open_ExistingFileReadOnly_SeesDataButCannotWrite()
    {
        var run = await _state.StartRunAsync("plan", "h", None);
        await _state.DisposeAsync();

        await using var ro = SqliteStateStore.Open(StatePath, create: false)!;
        _state = SqliteStateStore.Open(StatePath, create: true, _clock)!;

        Assert.Equal(run.Id, (await ro.LatestRunAsync(None))!.Id);
        var ex = await Assert.ThrowsAsync<SqliteException>(() => ro.SetValueAsync("k", "v", None));
        Assert.Equal(8, ex.SqliteErrorCode); // SQLITE_READONLY
        Assert.Equal("wal", SqliteFile.Scalar(StatePath, "PRAGMA journal_mode"));
        Assert.Equal("sqlite:" + StatePath, ro.Display);
    }
}

using Cutover.Sqlite.Tests.Support;
using Cutover.Testing.Conformance;
using Cutover.State;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Tests;

/// <summary>The state store conformance suite on a SQLite file, plus what only a file-backed store does.</summary>
public sealed class SqliteStateStoreTests : StateStoreConformance
{
    private readonly TempDir _dir = new();

    private string StatePath => _dir.File(Path.Combine(".cutover", "plan", "state.db"));

    protected override Task<IStateStore> OpenStoreAsync(TimeProvider clock) =>
        Task.FromResult<IStateStore>(SqliteStateStore.Open(StatePath, create: true, clock)!);

    protected override Task<string?> StoredRunStatusAsync() => Task.FromResult(SqliteFile.Scalar(StatePath, "SELECT status FROM runs") as string);

    protected override Task CleanupAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
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
        var run = await State.StartRunAsync("plan", "h", None);
        await State.DisposeAsync();

        await using var ro = SqliteStateStore.Open(StatePath, create: false)!;
        State = SqliteStateStore.Open(StatePath, create: true, Clock)!;

        Assert.Equal(run.Id, (await ro.LatestRunAsync(None))!.Id);
        var ex = await Assert.ThrowsAsync<SqliteException>(() => ro.SetValueAsync("k", "v", None));
        Assert.Equal(8, ex.SqliteErrorCode); // SQLITE_READONLY
        Assert.Equal("wal", SqliteFile.Scalar(StatePath, "PRAGMA journal_mode"));
        Assert.Equal("sqlite:" + StatePath, ro.Display);
    }

    [Fact]
    public async Task DuplicateNewIdsAsync_NewIdsGivenTwiceBehindTheStoresBack_CountsAndNamesThemInOrder()
    {
        await State.AddIdsAsync("users", [Pair(1L, "B"), Pair(2L, "A"), Pair(3L, "C")], None);
        // The store's unique index keeps new ids apart; a hand-edited (or damaged) state file may not have it.
        SqliteFile.Exec(StatePath, "DROP INDEX idmap_new; INSERT INTO idmap VALUES ('users', 4, 'B'), ('users', 'x', 'A'), ('users', 5, 'A'), ('other', 1, 'C')");

        var (count, samples) = await State.DuplicateNewIdsAsync("users", 10, None);
        var (_, first) = await State.DuplicateNewIdsAsync("users", 1, None);

        Assert.Equal(2, count);
        Assert.Equal(["A", "B"], samples);
        Assert.Equal(["A"], first);
    }
}

using Cutover.Capture;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Schema;
using Cutover.Sqlite.Capture;
using Cutover.Sqlite.Tests.Support;
using Cutover.Testing.Conformance;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Tests.Capture;

/// <summary>What is particular to capture on SQLite: rowid keys, declared types, epochs, the baked freeze message, busy files.</summary>
public sealed class SqliteTriggerCaptureTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly SqliteStoreProvider _provider = new();
    private readonly List<IAsyncDisposable> _open = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var o in _open)
        {
            await o.DisposeAsync();
        }
        _dir.Dispose();
    }

    private string Store(string ddl, string journal = "WAL")
    {
        var path = _dir.File($"db-{Guid.NewGuid():N}.db");
        SqliteFile.Exec(path, $"PRAGMA journal_mode = {journal}");
        SqliteFile.Exec(path, ddl);
        return path;
    }

    private async Task<IChangeCapture> CaptureAsync(string path, params CaptureTable[] tables)
    {
        var capture = await _provider.OpenCaptureAsync("sqlite:" + path, _dir.Path, CaptureMode.Triggers, "shop", CancellationToken.None);
        _open.Add(capture);
        if (tables.Length > 0)
        {
            await capture.StartAsync(tables, CancellationToken.None);
        }
        return capture;
    }

    private SqliteStore Open(string path)
    {
        var store = Stores.Target(path);
        _open.Add(store);
        return store;
    }

    [Fact]
    public async Task RowidKeyedTable_CapturedAndReplayed_TargetHasTheSameRowids()
    {
        var source = Store("CREATE TABLE logs (msg TEXT)");
        var capture = await CaptureAsync(source, new CaptureTable("logs", ["rowid", "msg"], ["rowid"], KeyIsRowid: true));
        var logs = Stores.Table("logs", ["rowid"], "msg");
        var targetPath = _dir.File("target.db");
        var target = Open(targetPath);
        await target.CreateTableAsync(logs, false, CancellationToken.None);

        SqliteFile.Exec(source, "INSERT INTO logs (rowid, msg) VALUES (5, 'five'), (9007199254740993, 'big'), (7, 'seven')");
        SqliteFile.Exec(source, "UPDATE logs SET msg = 'FIVE' WHERE rowid = 5");
        SqliteFile.Exec(source, "UPDATE logs SET rowid = 6 WHERE rowid = 7");
        SqliteFile.Exec(source, "DELETE FROM logs WHERE rowid = 9007199254740993");
        var batch = await capture.ReadAsync(100, CancellationToken.None);
        await target.ApplyAsync(Fold(batch, logs), CancellationToken.None);

        Assert.Equal(
            ["Insert 5 five", "Insert 9007199254740993 big", "Insert 7 seven", "Update 5 FIVE", "Delete 7 seven", "Insert 6 seven", "Delete 9007199254740993 big"],
            batch.Changes.Select(c => $"{c.Kind} {c.Row[0]} {c.Row[1]}"));
        Assert.Equal(["5 FIVE", "6 seven"], SqliteFile.Query(targetPath, "SELECT rowid, msg FROM logs ORDER BY rowid").Select(r => $"{r[0]} {r[1]}"));
    }

    [Fact]
    public async Task ChangelogColumns_KeepDeclaredTypes_SoCapturedValuesReadBackExactlyAsTheCopyReadsThem()
    {
        // Columns named like the control row's own columns must not be confused with them inside the triggers.
        var source = Store("""
            CREATE TABLE odd (id INTEGER PRIMARY KEY, seq TEXT, epoch, frozen REAL, applying NUMERIC, message BLOB, plan VARCHAR(10), "we""ird" DATETIME)
            """);
        string[] columns = ["id", "seq", "epoch", "frozen", "applying", "message", "plan", "we\"ird"];
        var capture = await CaptureAsync(source, new CaptureTable("odd", columns, ["id"], false));

        // Bound, not written as SQL literals: SQLite's own parser can round 1e-300 one ulp away from .NET's.
        const string insert = "INSERT INTO odd VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)";
        SqliteFile.Exec(source, insert, 1L, 5L, -0.0, 3L, "12.50", new byte[] { 0, 0xFF }, "Grüße 🎉", "2026-11-22T10:00:00Z");
        SqliteFile.Exec(source, insert, 2L, 1e-300, 1e-300, -0.0, "1e3", "text in blob", 42L, 7.5);
        SqliteFile.Exec(source, insert, 3L, null, long.MaxValue, null, "abc", null, null, null);
        var batch = await capture.ReadAsync(100, CancellationToken.None);
        var read = await Stores.ReadAllAsync(Open(source), new ReadRequest("odd", columns, ["id"], false));

        ValueAssert.SameRows(read, batch.Changes.Select(c => c.Row).ToList());
        ValueAssert.Same(-0.0, batch.Changes[0].Row[2]);
        ValueAssert.Same("5", batch.Changes[0].Row[1]);
        ValueAssert.Same(1e-300, batch.Changes[1].Row[2]);
        ValueAssert.Same(0.0, batch.Changes[1].Row[3]);
        ValueAssert.Same(1000L, batch.Changes[1].Row[4]);
        ValueAssert.Same(long.MaxValue, batch.Changes[2].Row[2]);
    }

    [Fact]
    public async Task ReadAsync_EpochLargerThanTheWholeEpochLimit_IsReadMaxChangesAtATime()
    {
        var source = Store("CREATE TABLE big (k INTEGER PRIMARY KEY, v TEXT)");
        var capture = await CaptureAsync(source, new CaptureTable("big", ["k", "v"], ["k"], false));
        var n = SqliteChangeReader.WholeEpochLimit + 2_000;
        SqliteFile.Exec(source, $"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) INSERT INTO big SELECT i, 'v' || i FROM s");
        SqliteFile.Exec(source, "INSERT INTO big VALUES (-1, 'a'), (-2, 'b'), (-3, 'c')");

        var sizes = new List<int>();
        var keys = new List<long>();
        while (true)
        {
            var batch = await capture.ReadAsync(5_000, CancellationToken.None);
            if (batch.Changes.Count == 0)
            {
                break;
            }
            sizes.Add(batch.Changes.Count);
            keys.AddRange(batch.Changes.Select(c => (long)c.Row[0]!));
            await capture.AcknowledgeAsync(batch, CancellationToken.None);
        }

        // 12 003 changes in one epoch (no sync read between the two statements): split while what is left is over the limit.
        Assert.Equal([5_000, 7_003], sizes);
        Assert.Equal(Enumerable.Range(1, n).Select(i => (long)i).Concat([-1L, -2L, -3L]), keys);
    }

    [Fact]
    public async Task ReadAsync_EpochWithinTheWholeEpochLimit_IsReadWholeEvenPastMaxChanges()
    {
        var source = Store("CREATE TABLE mid (k INTEGER PRIMARY KEY)");
        var capture = await CaptureAsync(source, new CaptureTable("mid", ["k"], ["k"], false));
        SqliteFile.Exec(source, "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000) INSERT INTO mid SELECT i FROM s");

        var batch = await capture.ReadAsync(1_000, CancellationToken.None);

        Assert.Equal(3_000, batch.Changes.Count);
        Assert.Equal(1, batch.Transactions);
    }

    [Fact]
    public async Task SetFrozenAsync_WithoutMessage_RefusesWithAMessageNamingTableAndPlan()
    {
        var source = Store("CREATE TABLE t (k INTEGER PRIMARY KEY)");
        var capture = await CaptureAsync(source, new CaptureTable("t", ["k"], ["k"], false));

        await capture.SetFrozenAsync(true, "", CancellationToken.None);
        var ex = Assert.Throws<SqliteException>(() => SqliteFile.Exec(source, "INSERT INTO t VALUES (1)"));

        Assert.Contains("WRITES_FROZEN: writes to t are frozen by Cutover for the cut-over of plan 'shop'; see cutover status", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_WhileAnotherConnectionHoldsTheWriteLock_WaitsThenReads()
    {
        var source = Store("CREATE TABLE t (k INTEGER PRIMARY KEY)");
        var capture = await CaptureAsync(source, new CaptureTable("t", ["k"], ["k"], false));
        using var app = SqliteFile.Open(source);
        using var tx = app.BeginTransaction();
        using (var cmd = app.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO t VALUES (1)";
            cmd.ExecuteNonQuery();
        }

        var read = Task.Run(() => capture.ReadAsync(10, CancellationToken.None));
        await Task.Delay(500);
        var waited = !read.IsCompleted;
        tx.Commit();
        var batch = await read;

        Assert.True(waited);
        Assert.Equal([1L], batch.Changes.Select(c => c.Row[0]));
    }

    [Fact]
    public async Task StartAsync_TableAlreadyCapturedWithOtherColumns_ThrowsCaptureConflict()
    {
        var source = Store("CREATE TABLE t (k INTEGER PRIMARY KEY, a TEXT, b TEXT)");
        var capture = await CaptureAsync(source, new CaptureTable("t", ["k", "a"], ["k"], false));

        var ex = await Assert.ThrowsAsync<CutoverException>(() => capture.StartAsync([new CaptureTable("t", ["k", "a", "b"], ["k"], false)], CancellationToken.None));

        Assert.Equal(ErrorCodes.CaptureConflict, ex.Code);
    }

    [Fact]
    public async Task UpsertAndReplace_ByTheApplication_ReplayToTheSameRows()
    {
        var source = Store("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
        var table = new CaptureTable("t", ["k", "v"], ["k"], false);
        var capture = await CaptureAsync(source, table);
        var target = Open(_dir.File("target.db"));
        var t = Stores.Table("t", ["k"], "k INTEGER", "v TEXT");
        await target.CreateTableAsync(t, false, CancellationToken.None);

        SqliteFile.Exec(source, "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        SqliteFile.Exec(source, "INSERT INTO t VALUES (1, 'a2') ON CONFLICT (k) DO UPDATE SET v = excluded.v");
        SqliteFile.Exec(source, "INSERT OR REPLACE INTO t VALUES (2, 'b2')");
        var batch = await capture.ReadAsync(100, CancellationToken.None);
        await target.ApplyAsync(Fold(batch, t), CancellationToken.None);

        Assert.Equal(["Insert 1", "Insert 2", "Update 1", "Insert 2"], batch.Changes.Select(c => $"{c.Kind} {c.Row[0]}"));
        ValueAssert.SameRows(
            await Stores.ReadAllAsync(Open(source), Stores.Request(t)),
            await Stores.ReadAllAsync(target, Stores.Request(t)));
    }

    [Fact]
    public async Task StatusAsync_RollbackJournal_SaysSoInDetail()
    {
        var wal = await CaptureAsync(Store("CREATE TABLE t (k INTEGER PRIMARY KEY)"), new CaptureTable("t", ["k"], ["k"], false));
        var delete = await CaptureAsync(Store("CREATE TABLE t (k INTEGER PRIMARY KEY)", "DELETE"), new CaptureTable("t", ["k"], ["k"], false));

        Assert.Null((await wal.StatusAsync(CancellationToken.None)).Detail);
        Assert.Contains("journal_mode=delete", (await delete.StatusAsync(CancellationToken.None)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenCaptureAsync_Logical_IsRefusedPointingAtTriggers()
    {
        var source = Store("CREATE TABLE t (k INTEGER PRIMARY KEY)");

        var ex = await Assert.ThrowsAsync<CutoverException>(() =>
            _provider.OpenCaptureAsync("sqlite:" + source, _dir.Path, CaptureMode.Logical, "shop", CancellationToken.None));

        Assert.Equal(ErrorCodes.CaptureUnsupported, ex.Code);
        Assert.Contains("capture: logical needs a PostgreSQL source; use capture: triggers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenCaptureAsync_MissingFile_IsUnreachable()
    {
        var ex = await Assert.ThrowsAsync<CutoverException>(() =>
            _provider.OpenCaptureAsync("sqlite:nope.db", _dir.Path, CaptureMode.Triggers, "shop", CancellationToken.None));

        Assert.Equal(ErrorCodes.SourceUnreachable, ex.Code);
        Assert.False(File.Exists(_dir.File("nope.db")));
    }

    [Fact]
    public async Task InspectAsync_CapturedSource_ListsTheUsersTablesButNotCapturesOwn()
    {
        var source = Store("CREATE TABLE t (k INTEGER PRIMARY KEY); CREATE TABLE _cutover_notes (x)");
        await CaptureAsync(source, new CaptureTable("t", ["k"], ["k"], false));

        var schema = await Open(source).InspectAsync(CancellationToken.None);

        Assert.Equal(["t", "_cutover_notes"], schema.Tables.Select(t => t.Name));
    }

    /// <summary>Sync's folding for a table keyed by its first column: the last change of each key wins.</summary>
    private static List<TableChanges> Fold(ChangeBatch batch, TargetTable target)
    {
        var last = new Dictionary<long, CapturedChange>();
        foreach (var c in batch.Changes)
        {
            last[(long)c.Row[0]!] = c;
        }
        return
        [
            new TableChanges(target,
                last.Values.Where(c => c.Kind != ChangeKind.Delete).Select(c => c.Row).ToList(),
                last.Values.Where(c => c.Kind == ChangeKind.Delete).Select(c => (IReadOnlyList<object?>)[c.Row[0]]).ToList()),
        ];
    }
}

using Cutover.Capture;
using Cutover.Connectors;
using Cutover.PostgreSql.Tests.Server;
using Cutover.Schema;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Capture;

/// <summary>The write freeze, Cutover's own writes passing it, and removing everything.</summary>
public abstract partial class CaptureTestBase
{
    private static readonly CaptureTable Simple = new("a", ["id", "v"], ["id"], false);

    private static readonly TargetTable SimpleTarget = new("a",
        [new TargetColumn("id", "integer", true, null) { Kind = ColumnKind.Integer }, new TargetColumn("v", "text", false, null) { Kind = ColumnKind.Text }],
        ["id"], false, false, false, [], []);

    [Fact]
    public async Task Freeze_RefusesAnApplicationWrite_WithWritesFrozenAndSqlState55000()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)", "INSERT INTO a VALUES (1, 'one')");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([Simple], None);

        await capture.SetFrozenAsync(true, "cutover to the new database in progress", None);
        var insert = await Assert.ThrowsAsync<PostgresException>(() => Sql("INSERT INTO a VALUES (2, 'two')"));
        var update = await Assert.ThrowsAsync<PostgresException>(() => Sql("UPDATE a SET v = 'x'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => Sql("DELETE FROM a"));
        var frozen = await capture.StatusAsync(None);
        await capture.SetFrozenAsync(false, "", None);
        await Sql("INSERT INTO a VALUES (3, 'three')");

        foreach (var ex in new[] { insert, update, delete })
        {
            Assert.Equal("55000", ex.SqlState);
            Assert.Equal("WRITES_FROZEN: cutover to the new database in progress", ex.MessageText);
        }
        Assert.True(frozen.Frozen);
        Assert.Equal("cutover to the new database in progress", frozen.FreezeMessage);
        Assert.False((await capture.StatusAsync(None)).Frozen);
        Assert.Equal([3L], (await DrainAsync(capture)).SelectMany(b => b.Changes).Select(c => (long)c.Row[0]!));
    }

    [Fact]
    public async Task Freeze_WaitsForATransactionInProgress_AndADrainAfterwardsSeesItsWrites()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([Simple], None);
        await using var writer = await ConnectAsync();
        await using var tx = await writer.BeginTransactionAsync();
        await ExecAsync(writer, "INSERT INTO a VALUES (1, 'accepted before the freeze')", tx);

        var freezing = capture.SetFrozenAsync(true, "frozen", None);
        await Task.Delay(1500);
        var waited = !freezing.IsCompleted;
        await tx.CommitAsync();
        await freezing.WaitAsync(TimeSpan.FromSeconds(30));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => Sql("INSERT INTO a VALUES (2, 'after the freeze')"));
        var drained = (await DrainAsync(capture)).SelectMany(b => b.Changes).ToList();

        Assert.True(waited, "the freeze returned while a transaction that had written was still open");
        Assert.Equal("55000", refused.SqlState);
        Assert.Equal([1L], drained.Select(c => (long)c.Row[0]!));
    }

    [Fact]
    public async Task Freeze_ARepeatableReadTransactionWhoseSnapshotIsOlder_CannotWriteAfterIt()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)", "CREATE TABLE other (id int)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([Simple], None);
        await using var writer = await ConnectAsync();
        await using var tx = await writer.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await ExecAsync(writer, "SELECT count(*) FROM other", tx); // takes the snapshot, touches nothing captured

        await capture.SetFrozenAsync(true, "frozen", None);
        var ex = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(writer, "INSERT INTO a VALUES (1, 'snapshot from before the freeze')", tx));

        Assert.Equal("55000", ex.SqlState);
        Assert.StartsWith("WRITES_FROZEN: ", ex.MessageText, StringComparison.Ordinal);
        await tx.RollbackAsync();
        Assert.Empty((await DrainAsync(capture)).SelectMany(b => b.Changes));
    }

    [Fact]
    public async Task Apply_PassesTheFreeze()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)", "INSERT INTO a VALUES (1, 'one')");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([Simple], None);
        await capture.SetFrozenAsync(true, "frozen", None);
        var store = await TargetAsync();

        await store.ApplyAsync([new TableChanges(SimpleTarget, [[2L, "applied"], [1L, "uno"]], [])], None);
        await store.ApplyAsync([new TableChanges(SimpleTarget, [], [[2L]])], None);

        Assert.Equal("uno", await TestDatabases.ScalarAsync(DatabaseUri, "SELECT string_agg(v, ',' ORDER BY id) FROM a"));
        await Assert.ThrowsAsync<PostgresException>(() => Sql("INSERT INTO a VALUES (3, 'application')"));
    }

    [Fact]
    public async Task Freeze_WithoutAnythingInstalled_FailsWithCaptureNotInstalled()
    {
        var capture = await OpenCaptureAsync();

        var ex = await Assert.ThrowsAsync<Errors.CutoverException>(() => capture.SetFrozenAsync(true, "frozen", None));

        Assert.Equal(Errors.ErrorCodes.CaptureNotInstalled, ex.Code);
    }

    [Fact]
    public async Task InstallGuard_FreezesWithoutCapturing()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)");
        var capture = await OpenCaptureAsync();
        await capture.InstallGuardAsync([Simple], None);
        await capture.InstallGuardAsync([Simple], None);

        var status = await capture.StatusAsync(None);
        await Sql("INSERT INTO a VALUES (1, 'not captured')");
        await capture.SetFrozenAsync(true, "guarded", None);
        var ex = await Assert.ThrowsAsync<PostgresException>(() => Sql("INSERT INTO a VALUES (2, 'refused')"));

        Assert.True(status.Guarded);
        Assert.False(status.Capturing);
        Assert.Equal("WRITES_FROZEN: guarded", ex.MessageText);
        Assert.Equal(0L, await TestDatabases.ScalarAsync(DatabaseUri, "SELECT count(*) FROM pg_trigger WHERE tgname = '_cutover_capture'"));
    }

    [Fact]
    public async Task Remove_LeavesNothing_AndIsSafeToRepeat()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([Simple], None);
        await Sql("INSERT INTO a VALUES (1, 'pending when removed')");
        await capture.SetFrozenAsync(true, "frozen", None);

        await capture.RemoveAsync(None);
        await capture.RemoveAsync(None);
        await Sql("INSERT INTO a VALUES (2, 'written after removal')");

        Assert.Equal(0L, await TestDatabases.ScalarAsync(DatabaseUri, "SELECT count(*) FROM pg_namespace WHERE nspname = '_cutover'"));
        Assert.Equal(0L, await TestDatabases.ScalarAsync(DatabaseUri, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"));
        Assert.Equal(0L, await TestDatabases.ScalarAsync(DatabaseUri, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '_cutover'"));
        Assert.Equal(0L, await TestDatabases.ScalarAsync(DatabaseUri, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"));
        Assert.Equal(0L, await TestDatabases.ScalarAsync(DatabaseUri, "SELECT count(*) FROM pg_publication"));
        Assert.Equal(CaptureStatus.NotInstalled(Mode), await capture.StatusAsync(None));
        var read = await Assert.ThrowsAsync<Errors.CutoverException>(() => capture.ReadAsync(10, None));
        Assert.Equal(Errors.ErrorCodes.CaptureNotInstalled, read.Code);
    }
}

using System.Diagnostics;
using Cutover.Capture;
using Cutover.Connectors;
using Cutover.PostgreSql.Capture;
using Cutover.PostgreSql.Tests.Server;

namespace Cutover.PostgreSql.Tests.Capture;

/// <summary>Logical capture: everything in <see cref="CaptureTestBase"/>, plus the publication, the slot and what a WAL stream brings.</summary>
public sealed class LogicalCaptureTests : CaptureTestBase
{
    protected override CaptureMode Mode => CaptureMode.Logical;

    private string Slot => LogicalNames.For(PlanName);

    private Task<object?> SlotAsync(string column) =>
        TestDatabases.ScalarAsync(DatabaseUri, $"SELECT {column} FROM pg_replication_slots WHERE slot_name = '{Slot}'");

    [Fact]
    public async Task Start_CreatesAPublicationAndAPgoutputSlotNamedForThePlan_AndNoCaptureTriggers()
    {
        await Sql(TypedDdl);
        var capture = await OpenCaptureAsync();

        await capture.StartAsync([Typed], None);
        await capture.StartAsync([Typed], None);

        Assert.Equal("cutover_" + PlanName, Slot);
        Assert.Equal("pgoutput", await SlotAsync("plugin"));
        Assert.Equal(false, await SlotAsync("active"));
        Assert.Equal("t", await TestDatabases.ScalarAsync(DatabaseUri, $"SELECT string_agg(tablename, ',') FROM pg_publication_tables WHERE pubname = '{Slot}'"));
        Assert.Equal("_cutover_freeze", await TestDatabases.ScalarAsync(DatabaseUri, "SELECT string_agg(tgname, ',') FROM pg_trigger WHERE tgrelid = 't'::regclass AND NOT tgisinternal"));
        Assert.Equal(0L, await TestDatabases.ScalarAsync(DatabaseUri, "SELECT count(*) FROM pg_class WHERE relnamespace = '_cutover'::regnamespace AND relname LIKE 'log%'"));
    }

    [Fact]
    public async Task Start_ATableWhoseReplicaIdentityLacksTheKey_IsRefusedWithTheFix()
    {
        await Sql("CREATE TABLE nokey (id int, v text)");
        var capture = await OpenCaptureAsync();

        var ex = await Assert.ThrowsAsync<Errors.CutoverException>(() => capture.StartAsync([new CaptureTable("nokey", ["id", "v"], ["id"], false)], None));
        await Sql("ALTER TABLE nokey REPLICA IDENTITY FULL");
        await capture.StartAsync([new CaptureTable("nokey", ["id", "v"], ["id"], false)], None);
        await Sql("INSERT INTO nokey VALUES (1, 'a')", "UPDATE nokey SET v = 'b'", "UPDATE nokey SET id = 2", "DELETE FROM nokey");

        Assert.Equal(Errors.ErrorCodes.CaptureUnsupported, ex.Code);
        Assert.Contains("REPLICA IDENTITY FULL", ex.Message, StringComparison.Ordinal);
        var changes = (await DrainAsync(capture)).SelectMany(b => b.Changes).ToList();
        Assert.Equal([ChangeKind.Insert, ChangeKind.Update, ChangeKind.Delete, ChangeKind.Insert, ChangeKind.Delete], changes.Select(c => c.Kind));
        Assert.Equal<object?>([1L, "b"], changes[2].Row);
        Assert.Equal<object?>([2L, "b"], changes[4].Row);
    }

    [Fact]
    public async Task Read_WhenNothingIsPending_ReturnsPromptly_AndConfirmsTheWalItScanned()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)", "CREATE TABLE elsewhere (id int)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("a", ["id", "v"], ["id"], false)], None);
        await Sql("INSERT INTO elsewhere SELECT generate_series(1, 1000)");
        var scanned = (string)(await TestDatabases.ScalarAsync(DatabaseUri, "SELECT pg_current_wal_lsn()::text"))!;

        var clock = Stopwatch.StartNew();
        var empty = await capture.ReadAsync(100, None);
        var firstRead = clock.Elapsed;
        clock.Restart();
        var again = await capture.ReadAsync(100, None);
        var secondRead = clock.Elapsed;
        var status = await capture.StatusAsync(None);

        Assert.Empty(empty.Changes);
        Assert.Empty(again.Changes);
        Assert.True(firstRead < TimeSpan.FromSeconds(5), $"an empty read took {firstRead}");
        Assert.True(secondRead < TimeSpan.FromSeconds(5), $"an empty read took {secondRead}");
        Assert.Equal(false, await SlotAsync("active"));
        Assert.Equal(true, await TestDatabases.ScalarAsync(DatabaseUri, $"SELECT confirmed_flush_lsn >= '{scanned}'::pg_lsn FROM pg_replication_slots WHERE slot_name = '{Slot}'"));
        Assert.Equal(0, status.Pending);
        Assert.Contains("bytes of WAL not yet confirmed", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAndAcknowledge_ReleaseTheSlot_AndAcknowledgeAdvancesIt()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("a", ["id", "v"], ["id"], false)], None);
        await Sql("INSERT INTO a VALUES (1, 'one')");
        var before = (string)(await TestDatabases.ScalarAsync(DatabaseUri, $"SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '{Slot}'"))!;

        var batch = await capture.ReadAsync(100, None);
        var activeAfterRead = await SlotAsync("active");
        await capture.AcknowledgeAsync(batch, None);

        Assert.Single(batch.Changes);
        Assert.Equal(false, activeAfterRead);
        Assert.Equal(true, await TestDatabases.ScalarAsync(DatabaseUri,
            $"SELECT confirmed_flush_lsn >= '{batch.Position}'::pg_lsn AND confirmed_flush_lsn > '{before}'::pg_lsn FROM pg_replication_slots WHERE slot_name = '{Slot}'"));
    }

    [Fact]
    public async Task Read_AnUnchangedToastValue_IsReadFromTheRowByKey()
    {
        await Sql("CREATE TABLE doc (id int PRIMARY KEY, body text, title text)", "ALTER TABLE doc ALTER COLUMN body SET STORAGE EXTERNAL");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("doc", ["id", "title", "body"], ["id"], false)], None);
        var body = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)('a' + (i * 7919 % 26))));
        await using (var conn = await ConnectAsync())
        {
            await using var cmd = new Npgsql.NpgsqlCommand("INSERT INTO doc VALUES (1, @b, 'first')", conn);
            cmd.Parameters.AddWithValue("b", body);
            await cmd.ExecuteNonQueryAsync();
        }
        await Sql("UPDATE doc SET title = 'second' WHERE id = 1");

        var changes = (await capture.ReadAsync(100, None)).Changes;

        Assert.Equal([ChangeKind.Insert, ChangeKind.Update], changes.Select(c => c.Kind));
        Assert.Equal<object?>([1L, "second", body], changes[1].Row);
    }

    [Fact]
    public async Task Read_ATruncatedTable_FailsWithCaptureConflict()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)", "INSERT INTO a VALUES (1, 'x')");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("a", ["id", "v"], ["id"], false)], None);
        await Sql("TRUNCATE a");

        var ex = await Assert.ThrowsAsync<Errors.CutoverException>(() => capture.ReadAsync(100, None));

        Assert.Equal(Errors.ErrorCodes.CaptureConflict, ex.Code);
        Assert.Equal(false, await SlotAsync("active"));
    }

    [Fact]
    public async Task Apply_IsSeenInTheWal_AsDocsCaptureMdSays()
    {
        await Sql(TypedDdl);
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([Typed], None);

        await (await TargetAsync()).ApplyAsync([new TableChanges(TypedTarget, [[1L, 7L, null, null, "applied", null, null, null, null, null, null]], [])], None);

        var change = Assert.Single((await DrainAsync(capture)).SelectMany(b => b.Changes));
        Assert.Equal("applied", change.Row[4]);
    }
}

using Cutover.Capture;
using Cutover.Connectors;
using Cutover.PostgreSql.Tests.Server;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Capture;

/// <summary>Trigger capture: everything in <see cref="CaptureTestBase"/>, plus the objects docs/capture.md lists and what triggers alone promise.</summary>
public sealed class TriggerCaptureTests : CaptureTestBase
{
    protected override CaptureMode Mode => CaptureMode.Triggers;

    [Fact]
    public async Task Start_InstallsTheObjectsDocsCaptureMdLists()
    {
        await Sql(TypedDdl, "CREATE DOMAIN money2 AS numeric(12,2)", "CREATE TABLE m (id int PRIMARY KEY, price money2, code varchar(7), at timestamp(3))");
        var capture = await OpenCaptureAsync();

        await capture.StartAsync([Typed, new CaptureTable("m", ["id", "price", "code", "at"], ["id"], false)], None);

        Assert.Equal("1|false|", await TestDatabases.ScalarAsync(DatabaseUri, "SELECT id || '|' || frozen || '|' || message FROM _cutover.control"));
        Assert.Equal("1:t:id,i,n,f,s,b,ok,at,d,j,u:id;2:m:id,price,code,at:id", await TestDatabases.ScalarAsync(DatabaseUri,
            "SELECT string_agg(n || ':' || name || ':' || array_to_string(columns, ',') || ':' || array_to_string(key, ','), ';' ORDER BY n) FROM _cutover.tables"));
        Assert.Equal("_cutover_seq bigint,_cutover_tx bigint,_cutover_op text,_cutover_at timestamp with time zone,id integer,price money2,code character varying(7),at timestamp(3) without time zone",
            await TestDatabases.ScalarAsync(DatabaseUri,
                "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '_cutover.log_2'::regclass AND attnum > 0"));
        Assert.Equal("_cutover_capture AFTER,_cutover_freeze BEFORE", await TestDatabases.ScalarAsync(DatabaseUri,
            "SELECT string_agg(tgname || CASE WHEN tgtype & 2 = 2 THEN ' BEFORE' ELSE ' AFTER' END, ',' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 't'::regclass AND NOT tgisinternal"));
        Assert.Equal("frozen,seq", await TestDatabases.ScalarAsync(DatabaseUri,
            "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = '_cutover'::regnamespace AND relkind = 'S'"));
        // Functions run as their owner, so an application role that cannot read _cutover is still captured and frozen.
        Assert.Equal("capture_1:plpgsql:true,capture_2:plpgsql:true,freeze:plpgsql:true", await TestDatabases.ScalarAsync(DatabaseUri,
            "SELECT string_agg(p.proname || ':' || l.lanname || ':' || p.prosecdef, ',' ORDER BY p.proname) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.pronamespace = '_cutover'::regnamespace"));
    }

    [Fact]
    public async Task Read_ADomainAndTypesReadAsText_ComeBackAsTheCopyReadsThem()
    {
        await Sql("CREATE DOMAIN money2 AS numeric(12,2)", "CREATE TABLE m (id int PRIMARY KEY, price money2, at timestamp(3), span interval, tags text[])");
        var capture = await OpenCaptureAsync();
        var table = new CaptureTable("m", ["id", "price", "at", "span", "tags"], ["id"], false);
        await capture.StartAsync([table], None);
        await Sql("INSERT INTO m VALUES (1, 12.5, '2024-01-02 03:04:05.678', '1 day 02:03:04', '{a,\"b c\"}')");

        var stored = await RowsAsync(await SourceAsync(), "m", table.Columns, table.Key);
        var change = Assert.Single((await capture.ReadAsync(10, None)).Changes);

        Assert.Equal(stored[0], change.Row);
        Assert.Equal("12.50", change.Row[1]!.ToString());
    }

    [Fact]
    public async Task Apply_IsNotCaptured_SoNothingEchoesBack()
    {
        await Sql(TypedDdl);
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([Typed], None);
        var store = await TargetAsync();

        await store.ApplyAsync([new TableChanges(TypedTarget, [[1L, 7L, null, null, "applied", null, null, null, null, null, null]], [])], None);
        await store.ApplyAsync([new TableChanges(TypedTarget, [], [[1L]])], None);
        await Sql("INSERT INTO t (id, s) VALUES (2, 'application')");

        var changes = (await DrainAsync(capture)).SelectMany(b => b.Changes).ToList();
        Assert.Equal([2L], changes.Select(c => (long)c.Row[0]!));
    }

    [Fact]
    public async Task StartAgain_WithOtherColumns_RebuildsAnEmptyChangelog_AndRefusesOneHoldingChanges()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text, w text)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("a", ["id", "v"], ["id"], false)], None);
        await capture.StartAsync([new CaptureTable("a", ["id", "v", "w"], ["id"], false)], None);
        await Sql("INSERT INTO a VALUES (1, 'v', 'w')");

        var ex = await Assert.ThrowsAsync<Errors.CutoverException>(() => capture.StartAsync([new CaptureTable("a", ["id"], ["id"], false)], None));
        var change = Assert.Single((await DrainAsync(capture)).SelectMany(b => b.Changes));

        Assert.Equal(Errors.ErrorCodes.CaptureConflict, ex.Code);
        Assert.Equal<object?>([1L, "v", "w"], change.Row);
    }
}

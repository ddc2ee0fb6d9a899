using System.Diagnostics.Metrics;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Sqlite.Tests.Support;
using Cutover.State;
using Cutover.Sync;

namespace Cutover.Sqlite.Tests;

/// <summary>Sync as a library user runs it, on real SQLite files: re-keyed entities, refused rows, and the metrics it publishes.</summary>
public sealed class SyncInProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Source => _dir.File("app.db");
    private string Target => _dir.File("app_v2.db");

    private async Task<MigrationContext> OpenAsync(string planText)
    {
        var file = _dir.File("cutover.yaml");
        File.WriteAllText(file, planText);
        return await MigrationSession.OpenAsync(PlanLoader.Load(file), new StoreRegistry([new SqliteStoreProvider()]),
            (path, create) => SqliteStateStore.Open(path, create), SessionMode.Write, null, null, null, CancellationToken.None);
    }

    /// <summary>Opens plan <paramref name="name"/> (app.db to app_v2.db, capture: triggers, then <paramref name="entities"/>) and migrates it.</summary>
    private async Task<MigrationContext> MigratedAsync(string name, string entities)
    {
        var ctx = await OpenAsync($"name: {name}\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\ncapture: triggers\nentities:\n{entities}");
        Assert.Equal(RunStatus.Completed, (await Migrator.RunAsync(ctx, CancellationToken.None)).Status);
        return ctx;
    }

    private async Task<SyncResult> SyncAsync(MigrationContext ctx)
    {
        await using var path = await SyncPath.OpenAsync(ctx, SyncDirection.Forward, CancellationToken.None);
        return await SyncRunner.RunAsync(ctx, path, follow: false, CancellationToken.None);
    }

    [Fact]
    public async Task Sync_ReKeyedEntity_NewRowsGetUlidsAndTheirChildrenFollow()
    {
        SqliteFile.Exec(Source, "CREATE TABLE sessions (id INTEGER PRIMARY KEY, who TEXT); CREATE TABLE notes (id INTEGER PRIMARY KEY, session_id INTEGER REFERENCES sessions(id), body TEXT);"
            + "INSERT INTO sessions VALUES (1, 'ann'), (2, 'bob'); INSERT INTO notes VALUES (10, 1, 'a'), (11, 2, 'b');");
        await using var ctx = await MigratedAsync("rk", """
              - table: sessions
                rekey: { to: ulid }
              - table: notes
                references: { session_id: sessions }
            """);

        SqliteFile.Exec(Source, "BEGIN; INSERT INTO sessions VALUES (3, 'cy'); INSERT INTO notes VALUES (12, 3, 'c'); COMMIT;"
            + "UPDATE notes SET body = 'b2' WHERE id = 11; DELETE FROM notes WHERE id = 10;");
        var result = await SyncAsync(ctx);

        Assert.Equal(4, result.Changes);
        Assert.Equal(0, result.Pending);
        var ids = new Dictionary<object, string>();
        await foreach (var (old, ulid) in ctx.RequireState().ListIdsAsync("sessions", null, CancellationToken.None))
        {
            ids[old] = ulid;
        }
        Assert.Equal(3, ids.Count);
        Assert.Equal(26, ids[3L].Length);
        Assert.Equal("cy", SqliteFile.Scalar(Target, "SELECT who FROM sessions WHERE id = @p0", ids[3L]));
        Assert.Equal(ids[3L], SqliteFile.Scalar(Target, "SELECT session_id FROM notes WHERE id = 12"));
        Assert.Equal("b2", SqliteFile.Scalar(Target, "SELECT body FROM notes WHERE id = 11"));
        Assert.Equal(0L, SqliteFile.Scalar(Target, "SELECT COUNT(*) FROM notes WHERE id = 10"));
        // Applied twice (a kill between applying and acknowledging): nothing changes.
        Assert.Equal(0, (await SyncAsync(ctx)).Changes);
        Assert.Equal(2L, SqliteFile.Scalar(Target, "SELECT COUNT(*) FROM notes"));
    }

    [Fact]
    public async Task Sync_RowTheTransformsRefuse_UnderOnErrorStop_AppliesNothingAndKeepsTheBatch()
    {
        SqliteFile.Exec(Source, "CREATE TABLE items (id INTEGER PRIMARY KEY, qty TEXT); INSERT INTO items VALUES (1, '5');");
        await using var ctx = await MigratedAsync("st", """
              - table: items
                columns:
                  qty: { type: integer }
            """);
        SqliteFile.Exec(Source, "BEGIN; INSERT INTO items VALUES (2, '7'); INSERT INTO items VALUES (3, 'seven'); COMMIT;");

        var error = await Assert.ThrowsAsync<CutoverException>(() => SyncAsync(ctx));

        Assert.Equal(ErrorCodes.RowRejected, error.Code);
        Assert.Contains("items key 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, SqliteFile.Scalar(Target, "SELECT COUNT(*) FROM items"));
        await using var capture = await SyncPath.OpenCaptureAsync(ctx, SyncDirection.Forward, CancellationToken.None);
        Assert.Equal(2, (await capture.StatusAsync(CancellationToken.None)).Pending);
        Assert.Contains(await ctx.RequireState().FailuresAsync("items", unresolvedOnly: true, CancellationToken.None), f => f.Key.Contains('3'));
    }

    [Fact]
    public async Task Sync_PublishesChangesAndLagOnTheCutoverMeter()
    {
        SqliteFile.Exec(Source, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)");
        await using var ctx = await MigratedAsync("m", "  - table: items\n");
        SqliteFile.InsertRows(Source, "items", ["id", "name"], Enumerable.Range(1, 120).Select(i => new object?[] { (long)i, "n" + i }));
        long changes = 0, lags = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Cutover" && instrument.Name.StartsWith("cutover.sync.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) =>
        {
            if (i.Name == "cutover.sync.changes")
            {
                Interlocked.Add(ref changes, v);
            }
        });
        listener.SetMeasurementEventCallback<double>((i, v, _, _) =>
        {
            if (i.Name == "cutover.sync.lag" && v >= 0)
            {
                Interlocked.Increment(ref lags);
            }
        });
        listener.Start();

        var result = await SyncAsync(ctx);

        Assert.Equal(120, result.Changes);
        Assert.Equal(120, Interlocked.Read(ref changes));
        Assert.Equal(120, Interlocked.Read(ref lags));
        Assert.True(result.LagP99Ms >= result.LagP50Ms);
        Assert.Equal(120L, SqliteFile.Scalar(Target, "SELECT COUNT(*) FROM items"));
    }

    [Fact]
    public async Task ReversePath_SourceColumnNotNullWithoutDefaultThatThePlanDrops_IsRefusedNamingIt()
    {
        SqliteFile.Exec(Source, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, secret TEXT NOT NULL); INSERT INTO items VALUES (1, 'a', 's');");
        await using var ctx = await MigratedAsync("rv", """
              - table: items
                columns:
                  secret: { drop: true }
            """);

        var error = await Assert.ThrowsAsync<CutoverException>(() => SyncPath.OpenAsync(ctx, SyncDirection.Reverse, CancellationToken.None));

        Assert.Equal(ErrorCodes.CaptureUnsupported, error.Code);
        Assert.Contains("'items.secret' is NOT NULL without a default", error.Message, StringComparison.Ordinal);
    }
}

using System.Diagnostics.Metrics;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Sqlite.Tests.Support;
using Cutover.State;
using Cutover.Verification;

namespace Cutover.Sqlite.Tests;

/// <summary>
/// <see cref="ConflictReconciler"/> as an application would call it, on real SQLite files migrated by the plan (so rows go
/// through its transforms: here a renamed column), with conflicts in the plan's SQLite state store.
/// </summary>
public sealed class ConflictReconcilerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Old => _dir.File("app.db");

    private string New => _dir.File("app_v2.db");

    /// <summary>notes (id INTEGER, body) copied to app_v2.db with body renamed to content; then old and new drift apart.</summary>
    private async Task<MigrationContext> MigratedAsync(string extra = "")
    {
        SqliteFile.Exec(Old, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL); INSERT INTO notes VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');"
            + "CREATE TABLE tags (note_id INTEGER NOT NULL, tag TEXT NOT NULL, weight INTEGER, PRIMARY KEY (note_id, tag)); INSERT INTO tags VALUES (1, 'x', 1), (1, 'y', 2);");
        var file = _dir.File("cutover.yaml");
        File.WriteAllText(file, "name: rc\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\n" + extra
            + "entities:\n  - table: notes\n    columns:\n      body: { rename: content }\n  - table: tags\n");
        var ctx = await MigrationSession.OpenAsync(PlanLoader.Load(file), new StoreRegistry([new SqliteStoreProvider()]),
            (path, create) => SqliteStateStore.Open(path, create), SessionMode.Write, null, null, null, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, (await Migrator.RunAsync(ctx, CancellationToken.None)).Status);
        // 1: the new store missed an update; 2: the old store missed one; 3: deleted on old only; 4: differs, no conflict.
        SqliteFile.Exec(Old, "UPDATE notes SET body = 'a2' WHERE id = 1; DELETE FROM notes WHERE id = 3; UPDATE notes SET body = 'd-old' WHERE id = 4;");
        SqliteFile.Exec(New, "UPDATE notes SET content = 'b2' WHERE id = 2;");
        return ctx;
    }

    private static Task<long> RecordAsync(MigrationContext ctx, string entity, string key, string kind = ConflictRecord.PartialWrite) =>
        ctx.State!.RecordConflictAsync(new ConflictRecord(0, entity, key, kind, kind == ConflictRecord.PartialWrite ? "new" : null,
            kind == ConflictRecord.PartialWrite ? "timeout" : null, [], DateTimeOffset.UtcNow), CancellationToken.None);

    private static string? Body(string db, string column, long id) => SqliteFile.Scalar(db, $"SELECT {column} FROM notes WHERE id = {id}") as string;

    [Fact]
    public async Task OldWins_CopiesThroughTheTransforms_DeletesWhatOldNoLongerHas_AndCountsTheResolvedConflicts()
    {
        await using var ctx = await MigratedAsync();
        foreach (var key in new[] { "1", "2", "3" })
        {
            await RecordAsync(ctx, "notes", key);
        }
        var resolved = new List<(long Value, string? Entity, string? Resolution)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Cutover" && instrument.Name == "cutover.conflicts.resolved")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value as string);
            lock (resolved)
            {
                resolved.Add((v, t.GetValueOrDefault("entity"), t.GetValueOrDefault("resolution")));
            }
        });
        listener.Start();

        var result = await ConflictReconciler.RunAsync(ctx, new ReconcileOptions { Strategy = ReconcileStrategy.OldWins }, CancellationToken.None);

        Assert.Equal((3, 0), (result.Resolved, result.Unresolved));
        Assert.Equal(["copy", "copy", "delete"], result.Conflicts.OrderBy(c => c.Conflict.Key).Select(c => c.Action));
        Assert.Equal("a2", Body(New, "content", 1));
        Assert.Equal("b", Body(New, "content", 2));
        Assert.Null(Body(New, "content", 3));
        Assert.Equal("d", Body(New, "content", 4));
        Assert.Empty(await ctx.State!.ConflictsAsync(unresolvedOnly: true, CancellationToken.None));
        Assert.Equal(3, resolved.Where(r => r.Entity == "notes" && r.Resolution == ConflictRecord.OldWins).Sum(r => r.Value));
    }

    [Fact]
    public async Task NewWins_WritesBackThroughTheReverseBinding_RenameUndone()
    {
        await using var ctx = await MigratedAsync();
        foreach (var key in new[] { "1", "2", "3" })
        {
            await RecordAsync(ctx, "notes", key);
        }

        var result = await ConflictReconciler.RunAsync(ctx, new ReconcileOptions { Strategy = ReconcileStrategy.NewWins }, CancellationToken.None);

        Assert.True(result.Unresolved == 0, string.Join("; ", result.Conflicts.Select(c => c.Error)));
        Assert.All(result.Conflicts, c => Assert.Equal((ReconciledConflict.NewToOld, ConflictRecord.NewWins), (c.Direction, c.Resolution)));
        Assert.Equal("a", Body(Old, "body", 1));
        Assert.Equal("b2", Body(Old, "body", 2));
        Assert.Equal("c", Body(Old, "body", 3));
        Assert.Equal("d-old", Body(Old, "body", 4));
    }

    [Fact]
    public async Task CompositeKeys_AreJsonArrays_AndAKeyThatIsNotOneStaysOpenWithItsCode()
    {
        await using var ctx = await MigratedAsync();
        SqliteFile.Exec(New, "UPDATE tags SET weight = 9 WHERE note_id = 1 AND tag = 'y'");
        var good = await RecordAsync(ctx, "tags", "[1,\"y\"]");
        var bad = await RecordAsync(ctx, "tags", "1-y");

        var result = await ConflictReconciler.RunAsync(ctx, new ReconcileOptions { Strategy = ReconcileStrategy.OldWins }, CancellationToken.None);

        Assert.True(result.Conflicts.Single(c => c.Conflict.Id == good).Resolved);
        Assert.Equal(2L, SqliteFile.Scalar(New, "SELECT weight FROM tags WHERE note_id = 1 AND tag = 'y'"));
        var refused = result.Conflicts.Single(c => c.Conflict.Id == bad);
        Assert.False(refused.Resolved);
        Assert.Equal(ErrorCodes.ConflictKeyInvalid, refused.ErrorCode);
        Assert.Single(await ctx.State!.ConflictsAsync(unresolvedOnly: true, CancellationToken.None));
    }

    [Fact]
    public async Task Manual_ResolvesOnlyKeysThatAgree_AndADryRunResolvesNothing()
    {
        await using var ctx = await MigratedAsync();
        SqliteFile.Exec(New, "UPDATE notes SET content = 'a2' WHERE id = 1"); // fixed by hand
        var fixedByHand = await RecordAsync(ctx, "notes", "1");
        var stillApart = await RecordAsync(ctx, "notes", "2");

        var dry = await ConflictReconciler.RunAsync(ctx, new ReconcileOptions { Strategy = ReconcileStrategy.Manual, DryRun = true }, CancellationToken.None);
        var run = await ConflictReconciler.RunAsync(ctx, new ReconcileOptions { Strategy = ReconcileStrategy.Manual }, CancellationToken.None);

        Assert.Equal(0, dry.Resolved);
        Assert.Equal(stillApart, Assert.Single(await ctx.State!.ConflictsAsync(unresolvedOnly: true, CancellationToken.None)).Id);
        Assert.True(run.Conflicts.Single(c => c.Conflict.Id == fixedByHand).Resolved);
        var open = run.Conflicts.Single(c => c.Conflict.Id == stillApart);
        Assert.False(open.Resolved);
        Assert.Equal(ErrorCodes.RowsDiffer, open.ErrorCode);
        Assert.Contains("content", open.Error, StringComparison.Ordinal);
        Assert.Equal("b2", Body(New, "content", 2));
    }

    [Fact]
    public async Task Strategy_WhenNeitherOptionNorPlanSaysOne_AShadowMismatchFollowsTheLeader_APartialWriteTheSideThatTookIt()
    {
        await using var ctx = await MigratedAsync();
        var mismatch = await RecordAsync(ctx, "notes", "2", ConflictRecord.ShadowMismatch);
        var partial = await RecordAsync(ctx, "notes", "1");
        await ctx.State!.SetValueAsync(ControlKeys.Routing, (RoutingControl.Initial(DateTimeOffset.UtcNow) with { Stage = RoutingControl.RampDown }).ToJson(), CancellationToken.None);

        var result = await ConflictReconciler.RunAsync(ctx, new ReconcileOptions(), CancellationToken.None);

        Assert.Equal((ReconcileStrategy.NewWins, "by conflict: a partial write to the side that took it, a shadow mismatch to the leader (new leads: stage ramp-down)"),
            (result.Strategy, result.StrategyFrom));
        Assert.Equal(ReconcileStrategy.NewWins, result.Conflicts.Single(c => c.Conflict.Id == mismatch).Strategy);
        Assert.Equal("b2", Body(Old, "body", 2));
        // The new side failed that write while new now leads: the old row (the write that was taken) still wins.
        Assert.Equal(ReconcileStrategy.OldWins, result.Conflicts.Single(c => c.Conflict.Id == partial).Strategy);
        Assert.True(result.Conflicts.All(c => c.Resolved));
    }

    [Fact]
    public async Task Entity_LimitsItToThatEntitysConflicts()
    {
        await using var ctx = await MigratedAsync();
        await RecordAsync(ctx, "notes", "1");
        SqliteFile.Exec(New, "UPDATE tags SET weight = 9 WHERE note_id = 1 AND tag = 'y'");
        await RecordAsync(ctx, "tags", "[1,\"y\"]");

        var result = await ConflictReconciler.RunAsync(ctx, new ReconcileOptions { Strategy = ReconcileStrategy.OldWins, Entity = "tags" }, CancellationToken.None);

        Assert.Equal("tags", Assert.Single(result.Conflicts).Conflict.Entity);
        Assert.Equal("a", Body(New, "content", 1));
    }
}

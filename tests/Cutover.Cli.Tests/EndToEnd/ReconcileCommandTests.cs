using System.Text.Json;
using Cutover.Cli.Tests.Support;
using Cutover.Sqlite;
using Cutover.State;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// <c>cutover reconcile</c> through the real CLI on two SQLite stores (old = the plan's source, new = its target) that dual
/// writes left apart, with the conflicts an application's router would have journaled in the plan's state store.
/// </summary>
public sealed class ReconcileCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Old => _dir.File("app.db");

    private string New => _dir.File("app_v2.db");

    private string State => _dir.File(".cutover/r/state.db");

    /// <summary>
    /// s-1 only on old (a write new missed), s-2 with another title on new, s-3 only on new (deleted on old, the delete missed
    /// new), s-4 differing without a conflict, s-5 equal. Conflicts for s-1, s-2 (twice) and s-3.
    /// </summary>
    private async Task<Dictionary<string, long>> DivergedAsync(string planExtra = "", string entityExtra = "")
    {
        const string Schema = "CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id INTEGER NOT NULL, title TEXT);";
        Db.Exec(Old, Schema + """
            INSERT INTO sessions VALUES ('s-1', 1, 'one'), ('s-2', 2, 'two'), ('s-4', 4, 'four'), ('s-5', 5, 'five');
            """);
        Db.Exec(New, Schema + """
            INSERT INTO sessions VALUES ('s-2', 2, 'two (new)'), ('s-3', 3, 'three'), ('s-4', 4, 'four (new)'), ('s-5', 5, 'five');
            """);
        _dir.Write("cutover.yaml", "name: r\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\n" + planExtra + "entities:\n  - table: sessions\n" + entityExtra);
        return new Dictionary<string, long>
        {
            ["s-1"] = await RecordAsync("sessions", "s-1", ConflictRecord.PartialWrite, "new"),
            ["s-2"] = await RecordAsync("sessions", "s-2", ConflictRecord.ShadowMismatch, null, "title"),
            ["s-2b"] = await RecordAsync("sessions", "s-2", ConflictRecord.PartialWrite, "old"),
            ["s-3"] = await RecordAsync("sessions", "s-3", ConflictRecord.PartialWrite, "new"),
        };
    }

    private async Task<long> RecordAsync(string entity, string key, string kind, string? failedSide, params string[] fields)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(State)!);
        await using var state = SqliteStateStore.Open(State, create: true)!;
        return await state.RecordConflictAsync(new ConflictRecord(0, entity, key, kind, failedSide, failedSide is null ? null : "timeout", fields, DateTimeOffset.UtcNow),
            CancellationToken.None);
    }

    private static string? Title(string db, string id) =>
        Db.Scalar(db, $"SELECT title FROM sessions WHERE id = '{id}'") as string;

    private static List<string> Rows(string db) => Db.Rows(db, "SELECT id, user_id, title FROM sessions ORDER BY id");

    private int Unresolved() => JsonDocument.Parse(CutoverCli.Run(_dir.Path, "conflicts", "cutover.yaml", "--json").StdOut).RootElement.GetProperty("unresolved").GetInt32();

    private int StatusConflicts() =>
        JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement.GetProperty("conflicts_unresolved").GetInt32();

    private static JsonElement Json(CliResult r) => JsonDocument.Parse(r.StdOut).RootElement;

    private static JsonElement Conflict(JsonElement doc, long id) =>
        doc.GetProperty("conflicts").EnumerateArray().Single(c => c.GetProperty("id").GetInt64() == id);

    [Fact]
    public async Task DryRun_SaysWhatItWouldDoPerKey_AndWritesNothing()
    {
        var ids = await DivergedAsync();
        var (oldBefore, newBefore) = (Rows(Old), Rows(New));

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "old-wins", "--dry-run", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var doc = Json(r);
        Assert.True(doc.GetProperty("dry_run").GetBoolean());
        Assert.Equal(("old-wins", "--strategy"), (doc.GetProperty("strategy").GetString(), doc.GetProperty("strategy_from").GetString()));
        Assert.Equal((0, 4), (doc.GetProperty("resolved").GetInt32(), doc.GetProperty("unresolved").GetInt32()));
        Assert.Equal(("copy", "old->new"), (Conflict(doc, ids["s-1"]).GetProperty("action").GetString(), Conflict(doc, ids["s-1"]).GetProperty("direction").GetString()));
        Assert.Equal("copy", Conflict(doc, ids["s-2"]).GetProperty("action").GetString());
        Assert.Equal(("delete", "old->new"), (Conflict(doc, ids["s-3"]).GetProperty("action").GetString(), Conflict(doc, ids["s-3"]).GetProperty("direction").GetString()));
        Assert.Equal(oldBefore, Rows(Old));
        Assert.Equal(newBefore, Rows(New));
        Assert.Equal(4, Unresolved());
        Assert.Equal(0L, Db.Scalar(State, "SELECT COUNT(*) FROM audit WHERE action = 'reconcile'"));
    }

    [Fact]
    public async Task OldWins_MakesNewEqualOldForExactlyTheConflictKeys_AndResolvesThem()
    {
        await DivergedAsync();
        Assert.Equal(4, StatusConflicts());

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "old-wins");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("reconciled 4 of 4 conflicts (old wins)", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("strategy: old wins (--strategy)", r.StdOut, StringComparison.Ordinal);
        Assert.Equal("one", Title(New, "s-1"));
        Assert.Equal("two", Title(New, "s-2"));
        Assert.Null(Title(New, "s-3"));
        Assert.Equal("four (new)", Title(New, "s-4")); // differs, but no conflict names it
        Assert.Equal(0, Unresolved());
        var all = Json(CutoverCli.Run(_dir.Path, "conflicts", "cutover.yaml", "--all", "--json"));
        Assert.All(all.GetProperty("conflicts").EnumerateArray(), c => Assert.Equal("old_wins", c.GetProperty("resolution").GetString()));
        Assert.Equal(0, StatusConflicts());
        Assert.Equal(1L, Db.Scalar(State, "SELECT COUNT(*) FROM audit WHERE action = 'reconcile'"));
        Assert.Single(Directory.GetFiles(_dir.File(".cutover/r/reports"), "*-reconcile.json"));
    }

    [Fact]
    public async Task NewWins_MakesOldEqualNewForExactlyTheConflictKeys_AndResolvesThem()
    {
        await DivergedAsync();

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "new-wins", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var doc = Json(r);
        Assert.Equal((4, 0), (doc.GetProperty("resolved").GetInt32(), doc.GetProperty("unresolved").GetInt32()));
        Assert.All(doc.GetProperty("conflicts").EnumerateArray(), c => Assert.Equal(("new->old", "new_wins"),
            (c.GetProperty("direction").GetString(), c.GetProperty("resolution").GetString())));
        Assert.Null(Title(Old, "s-1"));
        Assert.Equal("two (new)", Title(Old, "s-2"));
        Assert.Equal("three", Title(Old, "s-3"));
        Assert.Equal("four", Title(Old, "s-4"));
        Assert.Equal(0, Unresolved());
    }

    [Fact]
    public async Task Manual_ResolvesTheKeyFixedByHand_AndLeavesTheOthersOpenWithExit5()
    {
        var ids = await DivergedAsync();
        Db.Exec(New, "UPDATE sessions SET title = 'two' WHERE id = 's-2'");
        var newBefore = Rows(New);

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "manual", "--json");

        Assert.Equal(5, r.ExitCode);
        Assert.Contains("CONFLICTS_UNRESOLVED", r.StdErr, StringComparison.Ordinal);
        var doc = Json(r);
        Assert.Equal((2, 2), (doc.GetProperty("resolved").GetInt32(), doc.GetProperty("unresolved").GetInt32()));
        Assert.Equal("manual", Conflict(doc, ids["s-2"]).GetProperty("resolution").GetString());
        Assert.True(Conflict(doc, ids["s-2b"]).GetProperty("resolved").GetBoolean());
        var open = Conflict(doc, ids["s-1"]);
        Assert.False(open.GetProperty("resolved").GetBoolean());
        Assert.Equal("ROWS_DIFFER", open.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("none", open.GetProperty("action").GetString());
        Assert.Equal(newBefore, Rows(New));
        Assert.Equal(2, Unresolved());
    }

    [Fact]
    public async Task Manual_HumanOutput_ListsWhatStillDiffers_AndPointsAtConflicts()
    {
        await DivergedAsync();

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "manual");

        Assert.Equal(5, r.ExitCode);
        Assert.Contains("reconciled 0 of 4 conflicts (manual): 4 still differ; see cutover conflicts cutover.yaml", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("still missing on the target", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strategy_FromThePlansReconcileKey()
    {
        await DivergedAsync(planExtra: "reconcile: new-wins\n");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(("new-wins", "the plan's reconcile:"), (Json(r).GetProperty("strategy").GetString(), Json(r).GetProperty("strategy_from").GetString()));
        Assert.Equal("three", Title(Old, "s-3"));
    }

    [Fact]
    public async Task Strategy_TheEntitysReconcileOverridesThePlans()
    {
        await DivergedAsync(planExtra: "reconcile: new-wins\n", entityExtra: "    reconcile: old-wins\n");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.All(Json(r).GetProperty("conflicts").EnumerateArray(), c => Assert.Equal("old_wins", c.GetProperty("resolution").GetString()));
        Assert.Null(Title(New, "s-3"));
    }

    [Fact]
    public async Task Strategy_AnEntitysOwn_IsNamedInTheHumanOutput()
    {
        await DivergedAsync(planExtra: "reconcile: new-wins\n", entityExtra: "    reconcile: manual\n");
        Db.Exec(New, "UPDATE sessions SET title = 'two' WHERE id = 's-2'");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml");

        Assert.Equal(5, r.ExitCode);
        Assert.Contains("strategy: new wins (the plan's reconcile:)", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("  sessions: manual (the entity's reconcile:)", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("reconciled 2 of 4 conflicts (manual): 2 still differ", r.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "live" }, "new-wins", "new leads: stage live")]
    [InlineData(new[] { "dual-write", "--lead", "new" }, "new-wins", "new leads: stage dual-write, lead new")]
    [InlineData(new[] { "dual-write", "--lead", "old" }, "old-wins", "old leads: stage dual-write, lead old")]
    [InlineData(new[] { "shadow" }, "old-wins", "old leads: stage shadow")]
    public async Task Strategy_WithoutOne_APartialWriteGoesToTheSideThatTookIt_AShadowMismatchToTheLeader(string[] stage, string strategy, string why)
    {
        await DivergedAsync();
        var mismatch = await RecordAsync("sessions", "s-4", ConflictRecord.ShadowMismatch, null, "title");
        var set = CutoverCli.Run(_dir.Path, ["stage", "cutover.yaml", .. stage]);
        Assert.True(set.ExitCode == 0, set.ToString());

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var doc = Json(r);
        Assert.Equal(strategy, doc.GetProperty("strategy").GetString());
        Assert.Equal($"by conflict: a partial write to the side that took it, a shadow mismatch to the leader ({why})", doc.GetProperty("strategy_from").GetString());
        // s-1: new missed the write (new failed), so old's row wins whoever leads now; s-2's latest conflict: old failed, so new's row wins.
        Assert.Equal(("one", "two (new)"), (Title(New, "s-1"), Title(Old, "s-2")));
        Assert.Equal(("old-wins", "new-wins"), (Conflict(doc, 1).GetProperty("strategy").GetString(), Conflict(doc, 3).GetProperty("strategy").GetString()));
        // s-4 (a shadow mismatch): the side that leads.
        Assert.Equal(strategy, Conflict(doc, mismatch).GetProperty("strategy").GetString());
        Assert.Equal(strategy == "new-wins" ? ("four (new)", "four (new)") : ("four", "four"), (Title(Old, "s-4"), Title(New, "s-4")));
    }

    [Fact]
    public async Task AKeyNoStoreHas_IsSettled_ButFlaggedAndNoted_AsARouterRecordingKeysUnlikeTheStoreWouldLook()
    {
        var ids = await DivergedAsync();
        // Recorded unlike the store: another case (text keys compare exactly), and nothing under it on either side.
        var wrongCase = await RecordAsync("sessions", "S-1", ConflictRecord.PartialWrite, "new");

        var json = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "old-wins", "--dry-run", "--json");
        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "old-wins");

        Assert.True(Conflict(Json(json), wrongCase).GetProperty("absent_on_both_sides").GetBoolean());
        Assert.False(Conflict(Json(json), ids["s-1"]).GetProperty("absent_on_both_sides").GetBoolean());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("note: 1 key is in neither store (sessions S-1): deleted on both sides since, or the router's KeyText", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(0, Unresolved());
    }

    [Fact]
    public async Task AnIntegerKeyRecordedAsOtherText_IsInvalid_AndNeverTakenAsSettled()
    {
        Db.Exec(Old, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (7, 'a');");
        Db.Exec(New, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);");
        _dir.Write("cutover.yaml", "name: r\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: notes\n");
        var bad = await RecordAsync("notes", "note-7", ConflictRecord.PartialWrite, "new");
        var good = await RecordAsync("notes", "7", ConflictRecord.PartialWrite, "new");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--json");

        Assert.Equal(5, r.ExitCode);
        var doc = Json(r);
        Assert.Equal("CONFLICT_KEY_INVALID", Conflict(doc, bad).GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("id holds integers", Conflict(doc, bad).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(Conflict(doc, good).GetProperty("resolved").GetBoolean());
        Assert.Equal("a", Db.Scalar(New, "SELECT body FROM notes WHERE id = 7"));
    }

    [Fact]
    public async Task OneEntityFailing_LeavesItsConflictsOpenWithTheReason_WhileTheOthersAreWrittenResolvedAndAudited()
    {
        // notes: new wins, but the old store refuses the new row (a CHECK the new store does not have).
        Db.Exec(Old, "CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT); INSERT INTO sessions VALUES ('s-1', 'one');"
            + "CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT CHECK (length(body) < 6)); INSERT INTO notes VALUES ('n-1', 'short');");
        Db.Exec(New, "CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT);"
            + "CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT); INSERT INTO notes VALUES ('n-1', 'much too long');");
        _dir.Write("cutover.yaml", "name: r\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: sessions\n    reconcile: old-wins\n"
            + "  - table: notes\n    reconcile: new-wins\n");
        var session = await RecordAsync("sessions", "s-1", ConflictRecord.PartialWrite, "new");
        var note = await RecordAsync("notes", "n-1", ConflictRecord.PartialWrite, "old");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--json");

        Assert.Equal(5, r.ExitCode);
        var doc = Json(r);
        Assert.True(Conflict(doc, session).GetProperty("resolved").GetBoolean());
        Assert.Equal("one", Db.Scalar(New, "SELECT title FROM sessions WHERE id = 's-1'"));
        var failed = Conflict(doc, note);
        Assert.False(failed.GetProperty("resolved").GetBoolean());
        Assert.Contains("new wins failed for notes", failed.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("short", Db.Scalar(Old, "SELECT body FROM notes WHERE id = 'n-1'"));
        Assert.Equal(1, Unresolved());
        Assert.Equal(1L, Db.Scalar(State, "SELECT COUNT(*) FROM audit WHERE action = 'reconcile'"));
    }

    [Theory]
    [InlineData("--entity", "sesions", "plan 'r' has no such entity")]
    [InlineData("--ids", "999", "no conflict 999 in the journal")]
    public async Task AnEntityOrIdThatIsNotThere_IsAUsageError(string option, string value, string expected)
    {
        await DivergedAsync();

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "old-wins", option, value);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.StdErr, StringComparison.Ordinal);
        Assert.Equal(4, Unresolved());
    }

    [Fact]
    public async Task AConflictOfAnEntityNotInThePlan_StaysOpenWithItsCode_WhileTheOthersResolve()
    {
        await DivergedAsync();
        var carts = await RecordAsync("carts", "c-1", ConflictRecord.PartialWrite, "new");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "old-wins", "--json");

        Assert.Equal(5, r.ExitCode);
        var doc = Json(r);
        Assert.Equal((4, 1), (doc.GetProperty("resolved").GetInt32(), doc.GetProperty("unresolved").GetInt32()));
        Assert.Equal("CONFLICT_ENTITY_UNKNOWN", Conflict(doc, carts).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, Unresolved());
    }

    [Fact]
    public async Task Ids_LimitItToThoseConflicts()
    {
        var ids = await DivergedAsync();

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "old-wins", "--ids", $"{ids["s-1"]}", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(1, Json(r).GetProperty("resolved").GetInt32());
        Assert.Equal("one", Title(New, "s-1"));
        Assert.Equal("two (new)", Title(New, "s-2"));
        Assert.Equal(3, Unresolved());
    }

    [Fact]
    public void NoConflicts_SaysSo_AndExits0()
    {
        Db.Exec(Old, "CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT)");
        Db.Exec(New, "CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT)");
        _dir.Write("cutover.yaml", "name: r\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: sessions\n");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("no unresolved conflicts", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadStrategy_IsAUsageError()
    {
        await DivergedAsync();

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "newest-wins");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("USAGE_INVALID", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewWins_OnAReKeyedEntity_LeavesItsConflictsOpenSayingWhy()
    {
        Db.Exec(Old, "CREATE TABLE sessions (id INTEGER PRIMARY KEY, created_at TEXT, title TEXT); INSERT INTO sessions VALUES (1, '2026-01-01T00:00:00Z', 'a');");
        Db.Exec(New, "CREATE TABLE sessions (id TEXT PRIMARY KEY, created_at TEXT, title TEXT);");
        _dir.Write("cutover.yaml", "name: r\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: sessions\n    rekey: { to: ulid, time_from: created_at }\n");
        var id = await RecordAsync("sessions", "1", ConflictRecord.PartialWrite, "new");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "new-wins", "--json");

        Assert.Equal(5, r.ExitCode);
        var c = Conflict(Json(r), id);
        Assert.Equal("CONFLICT_NOT_REVERSIBLE", c.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("re-keyed", c.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, Unresolved());
    }

    [Fact]
    public async Task APlanWithABadReconcileValue_IsAPlanErrorWithItsPosition()
    {
        await DivergedAsync(planExtra: "reconcile: newest\n");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("cutover.yaml:4:", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("reconcile must be old-wins, new-wins or manual", r.StdErr, StringComparison.Ordinal);
    }
}

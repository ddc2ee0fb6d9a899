using System.Text.Json;
using Cutover.Cli.Tests.Support;
using Cutover.PostgreSql;
using Cutover.State;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// <c>cutover reconcile</c> with the old store in SQLite and the new one, and the plan's state (the conflict journal), in
/// PostgreSQL (the throwaway server of scripts/test.sh): integer keys recorded as text, both directions.
/// </summary>
public sealed class PostgreSqlReconcileTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Pg _pg = new();

    public void Dispose()
    {
        _pg.Dispose();
        _dir.Dispose();
    }

    private string Old => _dir.File("app.db");

    private async Task<Dictionary<string, long>> DivergedAsync(string failedSide = "new")
    {
        Db.Exec(Old, "CREATE TABLE carts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, total INTEGER); INSERT INTO carts VALUES (1, 'ann', 10), (2, 'bob', 20), (4, 'dan', 40);");
        _pg.Exec("CREATE TABLE carts (id bigint PRIMARY KEY, owner text NOT NULL, total bigint); INSERT INTO carts VALUES (2, 'bob', 25), (3, 'cy', 30), (4, 'dan', 45);");
        _dir.Write("cutover.yaml", $"name: pgr\nsource: sqlite:./app.db\ntarget: '{_pg.Uri}'\nstate: '{_pg.Uri}'\nentities:\n  - table: carts\n");
        await using var state = (await PostgreSqlStateStore.OpenAsync(_pg.Uri, "pgr", create: true, CancellationToken.None))!;
        var ids = new Dictionary<string, long>();
        // 9: on neither side (a typed PostgreSQL key column is looked up only as an integer, never as text, so this is no
        // 'operator does not exist' error: the stores agree on it, and it is flagged as absent on both sides).
        foreach (var key in new[] { "1", "2", "3", "9" })
        {
            ids[key] = await state.RecordConflictAsync(new ConflictRecord(0, "carts", key, ConflictRecord.PartialWrite, failedSide, "timeout", [], DateTimeOffset.UtcNow), CancellationToken.None);
        }
        return ids;
    }

    private static JsonElement Json(CliResult r) => JsonDocument.Parse(r.StdOut).RootElement;

    private int Unresolved() => Json(CutoverCli.Run(_dir.Path, "conflicts", "cutover.yaml", "--json")).GetProperty("unresolved").GetInt32();

    [Fact]
    public async Task OldWins_IntoPostgres_FixesExactlyTheConflictKeys_AndFlagsAKeyNeitherHas()
    {

        var ids = await DivergedAsync();

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--strategy", "old-wins", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal((4, 0), (Json(r).GetProperty("resolved").GetInt32(), Json(r).GetProperty("unresolved").GetInt32()));
        var missing = Json(r).GetProperty("conflicts").EnumerateArray().Single(c => c.GetProperty("id").GetInt64() == ids["9"]);
        Assert.True(missing.GetProperty("absent_on_both_sides").GetBoolean());
        Assert.Equal(["i1|tann|i10", "i2|tbob|i20", "i4|tdan|i45"], _pg.Rows("SELECT id, owner, total FROM carts ORDER BY id"));
        Assert.Equal(0, Unresolved());
    }

    [Fact]
    public async Task NewWins_FromPostgres_WritesTheOldStore_ForPartialWritesTheOldSideMissed()
    {
        // No strategy anywhere: the old side failed these writes, so the new side (which took them) wins, although old leads.
        await DivergedAsync(failedSide: "old");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.All(Json(r).GetProperty("conflicts").EnumerateArray(), c => Assert.Equal("new-wins", c.GetProperty("strategy").GetString()));
        Assert.Equal(["i2|tbob|i25", "i3|tcy|i30", "i4|tdan|i40"], Db.Rows(Old, "SELECT id, owner, total FROM carts ORDER BY id"));
        Assert.Equal(0, Unresolved());
    }
}

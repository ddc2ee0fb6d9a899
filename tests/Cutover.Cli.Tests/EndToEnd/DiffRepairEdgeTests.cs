using System.Text.Json;
using Cutover.Cli.Tests.Support;
using static Cutover.Cli.Tests.Support.DiffJson;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// The edges a review of diff and repair found: a row the plan now refuses is never hidden or taken for an extra row, keys
/// typed as the wrong kind never make repair delete a row, rows recorded as failed are never deleted as extra, and rows added
/// to a re-keyed source after the copy are repaired by --all.
/// </summary>
public sealed class DiffRepairEdgeTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Source => _dir.File("app.db");

    private string Target => _dir.File("app_v2.db");

    public void Dispose() => _dir.Dispose();

    private void Plan(string entities, string extra = "") => _dir.Write("cutover.yaml", $"""
        name: edge
        source: sqlite:./app.db
        target: sqlite:./app_v2.db
        {extra}
        entities:
        {entities}
        """);

    private void MigrateOk()
    {
        var m = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(m.ExitCode == 0, m.ToString());
    }

    [Fact]
    public void ARowThePlanNowRefuses_IsNamed_NeverHiddenByItsOldCopy_NorTakenForAnExtraRow_EvenReKeyed()
    {
        Db.Exec(Source, """
            CREATE TABLE t (id INTEGER PRIMARY KEY, v);
            CREATE TABLE s (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, v);
            WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20)
              INSERT INTO t SELECT i, CASE i WHEN 7 THEN 'abc' ELSE i * 10 END FROM c;
            WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10)
              INSERT INTO s SELECT printf('s%03d', i), printf('2026-01-%02dT00:00:00Z', i), CASE i WHEN 5 THEN 'abc' ELSE i END FROM c;
            """);
        Plan("""
              - table: t
                key: id
              - table: s
                key: id
                rekey: { to: ulid, time_from: created_at }
            """);
        MigrateOk();
        // The plan now casts v: rows 7 and s005 no longer transform, while the target still holds their old copies.
        Plan("""
              - table: t
                key: id
                columns: { v: { type: integer } }
              - table: s
                key: id
                rekey: { to: ulid, time_from: created_at }
                columns: { v: { type: integer } }
            """);

        var diff = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--json");

        Assert.True(diff.ExitCode == 5, diff.ToString());
        var t = Entity(diff.StdOut, "t");
        Assert.Equal(["7"], Keys(t, "not_transformable"));
        Assert.Empty(Keys(t, "extra"));
        var s = Entity(diff.StdOut, "s");
        Assert.Equal(["s005"], Keys(s, "not_transformable"));
        Assert.Empty(Keys(s, "extra"));
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");
        Assert.Equal(5, verify.ExitCode);
        // repair cannot copy them, says so, and deletes nothing.
        var repair = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--all");
        Assert.Equal(5, repair.ExitCode);
        Assert.Contains("not repaired: 7: CAST_FAILED", repair.StdOut, StringComparison.Ordinal);
        Assert.Equal(20L, Db.Count(Target, "t"));
        Assert.Equal(10L, Db.Count(Target, "s"));
    }

    [Theory]
    [InlineData("INTEGER", "5.0")]
    [InlineData("NUMERIC", "5")]
    [InlineData("", "5")]
    public void RepairKeys_TypedAsAnotherKind_RepairsTheRow_NeverDeletesIt(string keyType, string typed)
    {
        Db.Exec(Source, $"CREATE TABLE t (id {keyType} PRIMARY KEY, v TEXT); " +
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10) INSERT INTO t SELECT i, 'v' || i FROM c;");
        Plan("""
              - table: t
                key: id
            """);
        MigrateOk();
        Db.Exec(Target, "UPDATE t SET v = 'tampered' WHERE id = 5");

        var r = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--keys", typed);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("deleted", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("repair: copied 1 row again; re-verified 1 key: all match.", r.StdOut, StringComparison.Ordinal);
        Assert.Equal("v5", Db.Scalar(Target, "SELECT v FROM t WHERE id = 5"));
        Assert.Equal(10L, Db.Count(Target, "t"));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "diff", "cutover.yaml").ExitCode);
    }

    [Fact]
    public void ARowRecordedAsFailed_OnTheTargetAnyway_IsNotExtra_AndRepairOfTheFixedRowClosesItsRecord()
    {
        Db.Exec(Source, "CREATE TABLE t (id INTEGER PRIMARY KEY, v); " +
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10) INSERT INTO t SELECT i, CASE i WHEN 7 THEN 'abc' ELSE i END FROM c;");
        Plan("""
              - table: t
                key: id
                columns: { v: { type: integer } }
            """, "on_error: skip");
        var m = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.Equal(7, m.ExitCode);
        Db.Exec(Target, "INSERT INTO t VALUES (7, 70)");

        var diff = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--json");

        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Equal(1, Entity(diff.StdOut, "t").GetProperty("rejected_rows_excluded").GetInt64());
        var dry = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--all", "--dry-run");
        Assert.Contains("dry run: nothing to repair", dry.StdOut, StringComparison.Ordinal);

        // Fixed in the source and repaired by key: the failure record is closed, and the row is compared like any other.
        Db.Exec(Source, "UPDATE t SET v = 77 WHERE id = 7");
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--keys", "7").ExitCode);
        var status = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;
        Assert.Equal(0, status.GetProperty("failures").GetProperty("count").GetInt32());
        var after = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--json");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal(77L, Db.Scalar(Target, "SELECT v FROM t WHERE id = 7"));
    }

    [Fact]
    public void RepairAll_RowsAddedToAReKeyedSourceAfterTheCopy_GetTheirNewIdsAndTheirChildrenFollow()
    {
        Db.CreateSample(Source, parents: 5, childrenPerParent: 4, logs: 0);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal).Replace("  - table: logs\n", "", StringComparison.Ordinal));
        MigrateOk();
        Db.Exec(Source, """
            INSERT INTO sessions VALUES ('new-session', 'proj', '2026-03-01T00:00:00Z', 1.5);
            INSERT INTO events (id, session_id, kind, payload, value) VALUES (900, 'new-session', 'k', 'p', 2.5);
            """);
        var diff = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--json");
        Assert.Equal(5, diff.ExitCode);
        Assert.Equal(["new-session"], Keys(Entity(diff.StdOut, "sessions"), "not_transformable"));
        Assert.Equal(["900"], Keys(Entity(diff.StdOut, "events"), "not_transformable"));

        var repair = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--all");

        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "verify", "cutover.yaml").ExitCode);
        var ulid = (string)Db.Scalar(Target, "SELECT session_id FROM events WHERE id = 900")!;
        Assert.Equal(26, ulid.Length);
        Assert.Equal("proj", Db.Scalar(Target, $"SELECT project FROM sessions WHERE id = '{ulid}'"));
    }

    [Theory]
    [InlineData("TEXT", "printf('k%05d', i)")]
    [InlineData("INT", "i")]
    public void RowsWithANullKey_AreInAChunkOfTheirOwn_OnEitherSide_AndNeverMergedIntoOne(string keyType, string keyExpr)
    {
        Db.Exec(Source, $"CREATE TABLE t (code {keyType} PRIMARY KEY, n INTEGER); " +
            $"WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) INSERT INTO t SELECT {keyExpr}, i FROM c;");
        Plan("""
              - table: t
                key: code
            """);
        MigrateOk();
        // SQLite lets a non-INTEGER primary key hold NULL: one extra such row on the target, two on the source (one a duplicate row).
        Db.Exec(Target, "INSERT INTO t VALUES (NULL, 42)");
        Db.Exec(Source, "INSERT INTO t VALUES (NULL, 7); INSERT INTO t VALUES (NULL, 7)");

        var chunked = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--json", "--chunk-rows", "500");
        var whole = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--json");

        foreach (var r in new[] { chunked, whole })
        {
            Assert.True(r.ExitCode == 5, r.ToString());
            var t = Entity(r.StdOut, "t");
            Assert.Equal(2, t.GetProperty("missing_count").GetInt64());
            Assert.Equal(1, t.GetProperty("extra_count").GetInt64());
            Assert.Equal(0, t.GetProperty("changed_count").GetInt64());
        }
        Assert.True(Entity(chunked.StdOut, "t").GetProperty("chunks").GetInt32() > 2);
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--chunk-rows", "500");
        Assert.Equal(5, verify.ExitCode);
        // A NULL key names no row: repair reports those rows instead of writing or deleting by it.
        var repair = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--all");
        Assert.Equal(5, repair.ExitCode);
        Assert.Contains("KEY_NULL", repair.StdOut, StringComparison.Ordinal);
        Assert.Equal(1L, Db.Scalar(Target, "SELECT COUNT(*) FROM t WHERE code IS NULL"));
    }
}

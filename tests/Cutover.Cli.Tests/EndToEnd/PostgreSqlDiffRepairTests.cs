using System.Text.Json;
using Cutover.Cli.Tests.Support;
using static Cutover.Cli.Tests.Support.DiffJson;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// diff and repair from SQLite into PostgreSQL (the throwaway server of scripts/test.sh): injected differences are named and
/// repaired exactly, and a text key PostgreSQL orders differently from SQLite (an ICU collation, where 'a' sorts before 'B')
/// puts rows in different chunks on the two sides without any false difference.
/// </summary>
public sealed class PostgreSqlDiffRepairTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Pg _pg = new();

    public void Dispose()
    {
        _pg.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void DiffAndRepair_SqliteToPostgres_NameAndFixExactlyTheInjectedRows_EvenUnderAnotherCollation()
    {
        var source = _dir.File("app.db");
        Db.CreateSample(source, parents: 20, childrenPerParent: 30, logs: 0);
        Db.Exec(source, "DROP TABLE logs");
        // 600 text keys alternating 'a…' and 'B…': SQLite (bytes) puts every 'B' first, an ICU collation interleaves them.
        Db.Exec(source, "CREATE TABLE tags (name TEXT PRIMARY KEY, n INTEGER NOT NULL); " +
            "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 599) " +
            "INSERT INTO tags SELECT (CASE WHEN i % 2 = 0 THEN 'a' ELSE 'B' END) || printf('%04d', i), i FROM c");
        _dir.Write("cutover.yaml", Db.SamplePlanInto(_pg.Uri, "  - table: tags\n"));
        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        _pg.Exec("ALTER TABLE tags ALTER COLUMN name TYPE text COLLATE \"und-x-icu\"");
        Assert.Equal("a0000", _pg.Scalar("SELECT name FROM tags ORDER BY name LIMIT 1"));
        var clean = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--json", "--chunk-rows", "100");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        var tagsClean = Entity(JsonDocument.Parse(clean.StdOut).RootElement, "tags");
        // The stores put rows in different chunks: chunks differ, rows do not.
        Assert.True(tagsClean.GetProperty("chunks_differing").GetInt32() > 0, tagsClean.ToString());

        _pg.Exec("""
            DELETE FROM events WHERE id = 5;
            UPDATE events SET kind = 'tampered' WHERE id = 10;
            INSERT INTO events (id, session_id, kind, body, value) SELECT 5000, session_id, 'x', 'y', 1.5 FROM events WHERE id = 11;
            UPDATE tags SET n = n + 1 WHERE name = 'B0011';
            """);

        var diff = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--json", "--chunk-rows", "100");

        Assert.True(diff.ExitCode == 5, diff.ToString());
        var root = JsonDocument.Parse(diff.StdOut).RootElement;
        var events = Entity(root, "events");
        Assert.Equal(["5"], Keys(events, "missing"));
        Assert.Equal(["5000"], Keys(events, "extra"));
        Assert.Equal(["kind"], Assert.Single(Changed(events), c => c.Key == "10").Value);
        Assert.Single(Changed(events));
        var tags = Entity(root, "tags");
        Assert.Empty(Keys(tags, "missing"));
        Assert.Empty(Keys(tags, "extra"));
        Assert.Equal(["n"], Assert.Single(Changed(tags), c => c.Key == "B0011").Value);
        Assert.True(Entity(root, "sessions").GetProperty("match").GetBoolean());
        Assert.DoesNotContain(_pg.Password, diff.StdOut + diff.StdErr, StringComparison.Ordinal);

        var repair = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--all");

        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("all match", repair.StdOut, StringComparison.Ordinal);
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--chunk-rows", "100");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal("kind4", _pg.Scalar("SELECT kind FROM events WHERE id = 10"));
        Assert.Equal(0L, _pg.Scalar("SELECT count(*) FROM events WHERE id = 5000"));
    }
}

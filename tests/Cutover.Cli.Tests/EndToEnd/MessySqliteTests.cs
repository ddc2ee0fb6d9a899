using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>Real SQLite files are messy; each oddity is copied exactly or refused with a code that says what to do.</summary>
public sealed class MessySqliteTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Source => _dir.File("messy.db");

    private string Target => _dir.File("clean.db");

    private const string Schema = """"
        CREATE TABLE "order" ("select" INTEGER PRIMARY KEY, "from" text(100), "my col" double precision, untyped, raw BLOB);
        CREATE TABLE "it's ""quoted""" (a integer auto_increment, b VARCHAR(20), PRIMARY KEY (a, b));
        CREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER);
        CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
        CREATE VIEW big_orders AS SELECT * FROM "order" WHERE "select" > 2;
        INSERT INTO "order" VALUES
          (1, 'plain', 1.5, 'text in untyped', x'00FF10'),
          (2, 12345, 0.1, 42, NULL),
          (3, 'bad utf8 follows', 1e308, CAST(x'FF41C3' AS TEXT), x''),
          (4, CAST(x'C328' AS TEXT), -0.0, 3.25, x'DEADBEEF'),
          (5, 'not a number', 'text in a double column', x'0102', 'text in a blob column'),
          (6, '日本 ✓ 🎉', 4.9e-324, NULL, NULL);
        INSERT INTO "it's ""quoted""" VALUES (1, 'a'), (1, 'b'), (2, 'a');
        INSERT INTO counters (n) VALUES (1), (2), (3);
        DELETE FROM counters WHERE id = 3;
        INSERT INTO kv VALUES ('x', 1), ('y', 'two'), ('z', x'03');
        """";

    private const string Plan = """
        name: messy
        source: sqlite:./messy.db
        target: sqlite:./clean.db
        entities:
          - table: order
          - table: "it's \"quoted\""
            key: [a, b]
          - table: counters
          - table: kv
        """;

    [Fact]
    public void Migrate_MessyDatabase_CopiesEveryValueWithItsStorageClassAndBytes()
    {
        Db.Exec(Source, Schema);
        _dir.Write("cutover.yaml", Plan);

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.True(r.ExitCode == 0, r.ToString());
        const string fingerprint = """SELECT "select", typeof("from"), hex("from"), typeof("my col"), hex(CAST("my col" AS BLOB)), quote("my col"), typeof(untyped), hex(untyped), typeof(raw), hex(raw) FROM "order" ORDER BY 1""";
        Assert.Equal(Db.Rows(Source, fingerprint), Db.Rows(Target, fingerprint));
        Assert.Equal("text", Db.Scalar(Target, "SELECT typeof(untyped) FROM \"order\" WHERE \"select\" = 3"));
        Assert.Equal("FF41C3", Db.Scalar(Target, "SELECT hex(untyped) FROM \"order\" WHERE \"select\" = 3"));
        Assert.Equal(Db.Rows(Source, "SELECT a, b FROM \"it's \"\"quoted\"\"\" ORDER BY a, b"), Db.Rows(Target, "SELECT a, b FROM \"it's \"\"quoted\"\"\" ORDER BY a, b"));
        Assert.Equal(Db.Rows(Source, "SELECT k, typeof(v), hex(v) FROM kv ORDER BY k"), Db.Rows(Target, "SELECT k, typeof(v), hex(v) FROM kv ORDER BY k"));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "verify", "cutover.yaml").ExitCode);
        Assert.Contains("WITHOUT ROWID", (string)Db.Scalar(Target, "SELECT sql FROM sqlite_schema WHERE name = 'kv'")!, StringComparison.OrdinalIgnoreCase);
        // AUTOINCREMENT keeps its promise: id 3 was handed out and deleted, so the next one is 4 on both sides.
        Db.Exec(Target, "INSERT INTO counters (n) VALUES (9)");
        Assert.Equal(4L, Db.Scalar(Target, "SELECT MAX(id) FROM counters"));
        Assert.Equal("integer auto_increment", Db.Scalar(Target, "SELECT type FROM pragma_table_info('it''s \"quoted\"') WHERE name = 'a'"));
    }

    [Fact]
    public void InvalidUtf8_WithRejectPolicy_IsRecordedWithAFix()
    {
        Db.Exec(Source, Schema);
        _dir.Write("cutover.yaml", Plan.Replace("  - table: order", "  - table: order\n    columns:\n      untyped: { invalid_utf8: reject }", StringComparison.Ordinal)
            .Replace("entities:", "on_error: skip\nentities:", StringComparison.Ordinal));

        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(7, r.ExitCode);
        var status = CutoverCli.Run(_dir.Path, "status", "cutover.yaml");
        Assert.Contains("order 3: INVALID_UTF8", status.StdOut, StringComparison.Ordinal);
        Assert.Contains("invalid_utf8: keep | replace | blob", status.StdOut, StringComparison.Ordinal);
        Assert.Equal(5, Db.Count(Target, "order"));
    }

    [Fact]
    public void NullKeys_AreRefusedInPreflight_AndRowidKeyCopiesThem()
    {
        Db.Exec(Source, """
            CREATE TABLE loose (code TEXT PRIMARY KEY, v INTEGER);
            INSERT INTO loose VALUES ('a', 1), (NULL, 2), (NULL, 3);
            """);
        _dir.Write("cutover.yaml", "name: loose\nsource: sqlite:./messy.db\ntarget: sqlite:./clean.db\nentities:\n  - table: loose\n");

        var refused = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("KEY_NULL", refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("key: rowid", refused.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Target));

        _dir.Write("cutover.yaml", "name: loose\nsource: sqlite:./messy.db\ntarget: sqlite:./clean.db\nentities:\n  - table: loose\n    key: rowid\n");
        var copied = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.True(copied.ExitCode == 0, copied.ToString());
        Assert.Equal(Db.Rows(Source, "SELECT rowid, code, v FROM loose ORDER BY rowid"), Db.Rows(Target, "SELECT rowid, code, v FROM loose ORDER BY rowid"));
        Assert.Contains("PRIMARY KEY (\"code\")", (string)Db.Scalar(Target, "SELECT sql FROM sqlite_schema WHERE name = 'loose'")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NamingAView_SaysItIsAView()
    {
        Db.Exec(Source, Schema);
        _dir.Write("cutover.yaml", "source: sqlite:./messy.db\ntarget: sqlite:./clean.db\nentities:\n  - table: big_orders\n");

        var r = CutoverCli.Run(_dir.Path, "plan", "cutover.yaml");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("'big_orders' is a view", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_OnMessyDatabase_PrintsAValidPlanWithParentsFirst()
    {
        Db.Exec(Source, Schema + """
            CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id), self_id INTEGER REFERENCES child(id));
            CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
            """);

        var init = CutoverCli.Run(_dir.Path, "init", "--source", "sqlite:./messy.db", "--target", "sqlite:./clean.db");

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.True(init.StdOut.IndexOf("- table: parent", StringComparison.Ordinal) < init.StdOut.IndexOf("- table: child", StringComparison.Ordinal), init.StdOut);
        Assert.Contains("key: [a, b]", init.StdOut, StringComparison.Ordinal);
        Assert.Contains("big_orders", init.StdOut, StringComparison.Ordinal);
        Assert.Contains("#   from: text(100)", init.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"references: \{ (self_id: child, parent_id: parent|parent_id: parent, self_id: child) \}", init.StdOut);
        _dir.Write("generated.yaml", init.StdOut);
        var plan = CutoverCli.Run(_dir.Path, "plan", "generated.yaml");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        var migrate = CutoverCli.Run(_dir.Path, "migrate", "generated.yaml");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
    }
}

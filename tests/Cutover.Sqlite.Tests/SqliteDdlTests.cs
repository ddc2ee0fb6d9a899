using Cutover.Schema;
using Cutover.Sqlite.Internal;
using Cutover.Sqlite.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Tests;

/// <summary>The DDL SqliteDdl writes must run on SQLite and come back the same through the inspector.</summary>
public sealed class SqliteDdlTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TargetColumn Col(string name, string type, bool notNull = false, string? dflt = null) => new(name, type, notNull, dflt);

    private static TargetTable Table(string name, IReadOnlyList<TargetColumn> cols, IReadOnlyList<string> key, bool withoutRowid = false, bool autoInc = false,
        IReadOnlyList<ForeignKeySchema>? fks = null, IReadOnlyList<IndexSchema>? indexes = null) =>
        new(name, cols, key, false, withoutRowid, autoInc, fks ?? [], indexes ?? []);

    private DatabaseSchema Run(string file, params TargetTable[] tables)
    {
        var path = _dir.File(file);
        foreach (var t in tables)
        {
            SqliteFile.Exec(path, SqliteDdl.CreateTable(t));
            foreach (var ix in SqliteDdl.CreateIndexes(t))
            {
                SqliteFile.Exec(path, ix);
            }
        }
        using var conn = SqliteFile.Open(path, SqliteOpenMode.ReadOnly);
        return SqliteInspector.Inspect(conn);
    }

    [Fact]
    public void CreateTable_AutoIncrement_IsIntegerPrimaryKeyAutoincrement()
    {
        var t = Table("auto", [Col("id", "INTEGER"), Col("name", "TEXT", notNull: true)], ["id"], autoInc: true);

        var back = Run("auto.db", t).FindTable("auto")!;

        Assert.True(back.AutoIncrement);
        Assert.True(back.HasRowid);
        Assert.Equal(["id"], back.PrimaryKey);
        Assert.True(back.FindColumn("name")!.NotNull);
        Assert.Equal(1L, SqliteFile.Scalar(_dir.File("auto.db"), "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'"));
    }

    [Fact]
    public void CreateTable_WithoutRowidCompositeKeyDefaultsAndForeignKey_RunsAndAppliesDefaults()
    {
        var parent = Table("parent", [Col("a", "INTEGER"), Col("b", "TEXT")], ["a", "b"]);
        var child = Table("child weird \"name\"",
            [
                Col("a", "INTEGER", notNull: true), Col("b", "TEXT", notNull: true), Col("n", "INTEGER", dflt: "0"),
                Col("neg", "INTEGER", dflt: "-1"), Col("s", "TEXT", dflt: "'it''s'"), Col("ts", "TEXT", dflt: "CURRENT_TIMESTAMP"),
                Col("expr", "TEXT", dflt: "(lower('ABC'))"), Col("bl", "BLOB", dflt: "x'00ff'"), Col("r", "REAL", dflt: "1.5e3"),
            ],
            ["a", "b"], withoutRowid: true, fks: [new(["a", "b"], "parent", ["a", "b"])]);

        var schema = Run("wr.db", parent, child);
        SqliteFile.Exec(_dir.File("wr.db"), "PRAGMA foreign_keys = ON; INSERT INTO parent VALUES (1, 'x'); INSERT INTO \"child weird \"\"name\"\"\" (a, b) VALUES (1, 'x')");
        var row = SqliteFile.Query(_dir.File("wr.db"), "SELECT n, neg, s, typeof(ts), expr, hex(bl), r FROM \"child weird \"\"name\"\"\"").Single();

        var back = schema.FindTable(child.Name)!;
        Assert.False(back.HasRowid);
        Assert.Equal(["a", "b"], back.PrimaryKey);
        var fk = Assert.Single(back.ForeignKeys);
        Assert.Equal("parent", fk.RefTable);
        Assert.Equal(["a", "b"], fk.RefColumns);
        Assert.Equal([0L, -1L, "it's", "text", "abc", "00FF", 1500.0], row);
    }

    [Fact]
    public void CreateTable_ForeignKeyEnforced_RejectsOrphan()
    {
        var parent = Table("p", [Col("id", "INTEGER")], ["id"]);
        var child = Table("c", [Col("id", "INTEGER"), Col("pid", "INTEGER")], ["id"], fks: [new(["pid"], "p", ["id"])]);
        Run("fk.db", parent, child);

        var ex = Assert.Throws<SqliteException>(() => SqliteFile.Exec(_dir.File("fk.db"), "PRAGMA foreign_keys = ON; INSERT INTO c VALUES (1, 42)"));

        Assert.Equal(19, ex.SqliteErrorCode);
    }

    [Fact]
    public void CreateTable_InspectedMessySchema_RoundTripsThroughDdl()
    {
        var srcPath = _dir.File("messy.db");
        SqliteFile.Exec(srcPath, """
            CREATE TABLE "we ""ird"" 'one'" ("order" INTEGER NOT NULL, "select" text(100) DEFAULT 'x', untyped, amount double precision DEFAULT (1.5 * 2),
              PRIMARY KEY ("order", "select"));
            CREATE TABLE auto (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, at TEXT DEFAULT CURRENT_TIMESTAMP);
            CREATE TABLE wr (code TEXT PRIMARY KEY, body) WITHOUT ROWID;
            CREATE TABLE kid (id INTEGER PRIMARY KEY, o INTEGER, s TEXT, FOREIGN KEY (o, s) REFERENCES "we ""ird"" 'one'" ("order", "select"));
            CREATE INDEX "kid o" ON kid (o);
            """);
        DatabaseSchema source;
        using (var conn = SqliteFile.Open(srcPath, SqliteOpenMode.ReadOnly))
        {
            source = SqliteInspector.Inspect(conn);
        }
        var targets = source.Tables.Select(t => new TargetTable(t.Name,
            t.Columns.Select(c => new TargetColumn(c.Name, c.DeclaredType, c.NotNull, c.DefaultSql)).ToList(),
            t.PrimaryKey, false, !t.HasRowid, t.AutoIncrement, t.ForeignKeys, t.Indexes)).ToArray();

        var back = Run("copy.db", targets);

        Assert.Equal(source.Tables.Select(t => t.Name), back.Tables.Select(t => t.Name));
        foreach (var (s, b) in source.Tables.Zip(back.Tables))
        {
            Assert.Equal(s.Columns, b.Columns);
            Assert.Equal(s.PrimaryKey, b.PrimaryKey);
            Assert.Equal((s.HasRowid, s.AutoIncrement), (b.HasRowid, b.AutoIncrement));
            Assert.Equal(s.ForeignKeys.Select(f => (string.Join(",", f.Columns), f.RefTable, string.Join(",", f.RefColumns))),
                b.ForeignKeys.Select(f => (string.Join(",", f.Columns), f.RefTable, string.Join(",", f.RefColumns))));
            Assert.Equal(s.Indexes.Select(i => (i.Unique, string.Join(",", i.Columns))), b.Indexes.Select(i => (i.Unique, string.Join(",", i.Columns))));
        }
    }

    [Fact]
    public void CreateTable_SingleIntegerKey_IsRowidAlias()
    {
        Run("alias.db", Table("t", [Col("id", "INTEGER"), Col("v", "TEXT")], ["id"]));
        SqliteFile.Exec(_dir.File("alias.db"), "INSERT INTO t VALUES (42, 'a')");

        Assert.Equal(42L, SqliteFile.Scalar(_dir.File("alias.db"), "SELECT rowid FROM t"));
    }

    [Fact]
    public void CreateIndexes_UnnamedExpressionAndNamed_CreatesPlainOnesIdempotently()
    {
        var t = Table("ix", [Col("id", "INTEGER"), Col("a", "TEXT"), Col("b", "TEXT")], ["id"],
            indexes: [new("", true, ["a"], false), new("ix b", false, ["b", "a"], false), new("ix_expr", false, [], true)]);

        var statements = SqliteDdl.CreateIndexes(t).ToList();
        var back = Run("ix.db", t).FindTable("ix")!;
        foreach (var sql in statements)
        {
            SqliteFile.Exec(_dir.File("ix.db"), sql);
        }

        Assert.Equal(2, statements.Count);
        Assert.Equal(["ix_a_key", "ix b"], back.Indexes.Select(i => i.Name).Order(StringComparer.Ordinal).Reverse());
        Assert.True(back.Indexes.Single(i => i.Name == "ix_a_key").Unique);
        Assert.Throws<SqliteException>(() => SqliteFile.Exec(_dir.File("ix.db"), "INSERT INTO ix VALUES (1, 'same', 'x'), (2, 'same', 'y')"));
    }

    [Fact]
    public void DescribeCreate_SameAsExecutedDdl()
    {
        var t = Table("d", [Col("id", "INTEGER"), Col("v", "")], ["id"], autoInc: true);
        using var store = new DisposableStore(Stores.Target(_dir.File("d.db")));

        Assert.Equal(SqliteDdl.CreateTable(t), store.Store.DescribeCreate(t));
        Assert.False(File.Exists(_dir.File("d.db")));
    }
}

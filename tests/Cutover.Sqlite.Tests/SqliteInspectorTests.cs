using Cutover.Schema;
using Cutover.Sqlite.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Tests;

public sealed class SqliteInspectorTests : IDisposable
{
    private const string Weird = "weird table \"dq\" 'sq'";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private DatabaseSchema Inspect(string sql)
    {
        var path = _dir.File("messy.db");
        SqliteFile.Exec(path, sql);
        using var conn = SqliteFile.Open(path, SqliteOpenMode.ReadOnly);
        return SqliteInspector.Inspect(conn);
    }

    private const string MessySchema = """
        CREATE TABLE "weird table ""dq"" 'sq'" (
          "order" INTEGER,
          "select" text(100),
          untyped,
          "col with space" integer auto_increment,
          amount double precision NOT NULL DEFAULT 0.5,
          PRIMARY KEY ("order", "select"));
        CREATE TABLE wr (code TEXT PRIMARY KEY, body) WITHOUT ROWID;
        CREATE TABLE auto (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE);
        CREATE TABLE parent (id INTEGER PRIMARY KEY, label TEXT);
        CREATE TABLE child (
          id INTEGER PRIMARY KEY,
          parent_id INTEGER REFERENCES parent,
          o INTEGER, s TEXT, code TEXT,
          FOREIGN KEY (o, s) REFERENCES "weird table ""dq"" 'sq'" ("order", "select"));
        CREATE UNIQUE INDEX child_code ON child (code);
        CREATE INDEX "child o s" ON child (o, s);
        CREATE INDEX child_lower ON child (lower(code));
        CREATE INDEX child_positive ON child (o) WHERE o > 0;
        CREATE VIEW parent_view AS SELECT id, label FROM parent;
        """;

    [Fact]
    public void Inspect_MessyColumns_KeepsNamesAndDeclaredTypesVerbatim()
    {
        var t = Assert.IsType<TableSchema>(Inspect(MessySchema).FindTable(Weird));

        Assert.Equal(["order", "select", "untyped", "col with space", "amount"], t.Columns.Select(c => c.Name));
        Assert.Equal(["INTEGER", "text(100)", "", "integer auto_increment", "double precision"], t.Columns.Select(c => c.DeclaredType));
        Assert.Equal(["order", "select"], t.PrimaryKey);
        Assert.Equal([1, 2, 0, 0, 0], t.Columns.Select(c => c.PrimaryKeyOrdinal));
        var amount = t.FindColumn("amount")!;
        Assert.True(amount.NotNull);
        Assert.Equal("0.5", amount.DefaultSql);
        Assert.Null(t.FindColumn("untyped")!.DefaultSql);
        Assert.True(t.HasRowid);
        Assert.False(t.AutoIncrement);
    }

    [Fact]
    public void Inspect_WithoutRowidTable_HasRowidFalse()
    {
        var t = Inspect(MessySchema).FindTable("wr")!;

        Assert.False(t.HasRowid);
        Assert.Equal(["code"], t.PrimaryKey);
        Assert.Empty(t.Indexes);
    }

    [Fact]
    public void Inspect_AutoincrementTable_FlagsAutoIncrementAndUniqueConstraint()
    {
        var t = Inspect(MessySchema).FindTable("auto")!;

        Assert.True(t.AutoIncrement);
        Assert.True(t.HasRowid);
        Assert.Equal(["id"], t.PrimaryKey);
        var unique = Assert.Single(t.Indexes);
        Assert.Equal("", unique.Name);
        Assert.True(unique.Unique);
        Assert.Equal(["name"], unique.Columns);
        Assert.False(unique.IsExpression);
    }

    [Fact]
    public void Inspect_ForeignKeys_ImplicitParentColumnsAreEmptyNames()
    {
        var fks = Inspect(MessySchema).FindTable("child")!.ForeignKeys;

        Assert.Equal(2, fks.Count);
        var implicitFk = Assert.Single(fks, f => f.RefTable == "parent");
        Assert.Equal(["parent_id"], implicitFk.Columns);
        Assert.Equal([""], implicitFk.RefColumns);
        var composite = Assert.Single(fks, f => f.RefTable == Weird);
        Assert.Equal(["o", "s"], composite.Columns);
        Assert.Equal(["order", "select"], composite.RefColumns);
    }

    [Fact]
    public void Inspect_Indexes_UniqueCompositeExpressionAndPartial()
    {
        var ix = Inspect(MessySchema).FindTable("child")!.Indexes.ToDictionary(i => i.Name);

        Assert.Equal(4, ix.Count);
        Assert.True(ix["child_code"].Unique);
        Assert.Equal(["code"], ix["child_code"].Columns);
        Assert.False(ix["child_code"].IsExpression);
        Assert.False(ix["child o s"].Unique);
        Assert.Equal(["o", "s"], ix["child o s"].Columns);
        Assert.True(ix["child_lower"].IsExpression);
        Assert.Empty(ix["child_lower"].Columns);
        Assert.True(ix["child_positive"].IsExpression);
    }

    [Fact]
    public void Inspect_Views_ListedAsViewsNotTables()
    {
        var schema = Inspect(MessySchema);

        Assert.Equal(["parent_view"], schema.Views);
        Assert.True(schema.IsView("PARENT_VIEW"));
        Assert.Null(schema.FindTable("parent_view"));
        Assert.Equal([Weird, "wr", "auto", "parent", "child"], schema.Tables.Select(t => t.Name));
    }

    [Fact]
    public void Inspect_Fts5VirtualTable_ListedAsViewAndShadowTablesHidden()
    {
        if (!Fts5Available())
        {
            return; // The bundled SQLite was built without FTS5; nothing to check.
        }

        var schema = Inspect("""
            CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
            CREATE VIRTUAL TABLE notes_fts USING fts5(body);
            INSERT INTO notes_fts (body) VALUES ('hello world');
            """);

        Assert.Contains("notes_fts", schema.Views);
        Assert.Equal(["notes"], schema.Tables.Select(t => t.Name));
    }

    [Fact]
    public void Inspect_AutoincrementOnlyInsideStringOrName_NotAutoIncrement()
    {
        var schema = Inspect("""
            CREATE TABLE plain (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'no AUTOINCREMENT here', "autoincrement" INTEGER);
            """);

        Assert.False(schema.FindTable("plain")!.AutoIncrement);
    }

    [Fact]
    public void Inspect_EmptyDatabase_NoTablesNoViews()
    {
        var schema = Inspect("PRAGMA user_version = 1");

        Assert.Empty(schema.Tables);
        Assert.Empty(schema.Views);
    }

    private bool Fts5Available()
    {
        try
        {
            SqliteFile.Exec(_dir.File("probe.db"), "CREATE VIRTUAL TABLE probe USING fts5(x)");
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }
}

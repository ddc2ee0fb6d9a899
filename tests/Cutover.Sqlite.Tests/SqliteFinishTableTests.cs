using Cutover.Connectors;
using Cutover.Schema;
using Cutover.Sqlite.Tests.Support;

namespace Cutover.Sqlite.Tests;

/// <summary>FinishTableAsync carries AUTOINCREMENT's high-water mark (sqlite_sequence) from source to target.</summary>
public sealed class SqliteFinishTableTests : IDisposable
{
    private static readonly TargetTable Auto = new("auto", [new("id", "INTEGER", false, null), new("name", "TEXT", false, null)], ["id"],
        KeyIsRowid: false, WithoutRowid: false, AutoIncrement: true, ForeignKeys: [], Indexes: []);

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Ids 1..50 handed out, 41..50 deleted again: max(id) is 40 but the next id must be 51.</summary>
    private string Source()
    {
        var path = _dir.File("src.db");
        SqliteFile.Exec(path, "CREATE TABLE auto (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)");
        SqliteFile.InsertRows(path, "auto", ["name"], Enumerable.Range(1, 50).Select(i => new object?[] { "n" + i }));
        SqliteFile.Exec(path, "DELETE FROM auto WHERE id > 40");
        return path;
    }

    private static object? Seq(string path) => SqliteFile.Scalar(path, "SELECT seq FROM sqlite_sequence WHERE name = 'auto'");

    [Fact]
    public async Task FinishTableAsync_RowsCopied_NextIdContinuesAfterSourceHighWaterMark()
    {
        await using var source = Stores.Source(Source());
        var targetPath = _dir.File("dst.db");
        await using (var target = Stores.Target(targetPath))
        {
            await target.CreateTableAsync(Auto, false, CancellationToken.None);
            var rows = await Stores.ReadAllAsync(source, new ReadRequest("auto", ["id", "name"], ["id"], false));
            await target.WriteBatchAsync(Auto, rows, WriteMode.Insert, false, CancellationToken.None);
            Assert.Equal(40L, Seq(targetPath));

            await target.FinishTableAsync(Auto, source, "auto", CancellationToken.None);
        }
        SqliteFile.Exec(targetPath, "INSERT INTO auto (name) VALUES ('new')");

        Assert.Equal(51L, Seq(targetPath));
        Assert.Equal(51L, SqliteFile.Scalar(targetPath, "SELECT id FROM auto WHERE name = 'new'"));
    }

    [Fact]
    public async Task FinishTableAsync_NoRowsCopied_InsertsSequenceRow()
    {
        await using var source = Stores.Source(Source());
        var targetPath = _dir.File("dst.db");
        await using var target = Stores.Target(targetPath);
        await target.CreateTableAsync(Auto, false, CancellationToken.None);
        Assert.Null(Seq(targetPath));

        await target.FinishTableAsync(Auto, source, "auto", CancellationToken.None);

        Assert.Equal(50L, Seq(targetPath));
    }

    [Fact]
    public async Task FinishTableAsync_TargetAlreadyHigher_KeepsTargetValue()
    {
        await using var source = Stores.Source(Source());
        var targetPath = _dir.File("dst.db");
        await using var target = Stores.Target(targetPath);
        await target.CreateTableAsync(Auto, false, CancellationToken.None);
        await target.WriteBatchAsync(Auto, [[500L, "high"]], WriteMode.Insert, false, CancellationToken.None);

        await target.FinishTableAsync(Auto, source, "auto", CancellationToken.None);

        Assert.Equal(500L, Seq(targetPath));
    }

    [Fact]
    public async Task FinishTableAsync_RenamedTarget_UsesSourceNameForLookupAndTargetNameForRow()
    {
        await using var source = Stores.Source(Source());
        var targetPath = _dir.File("dst.db");
        var renamed = Auto with { Name = "it's renamed" };
        await using var target = Stores.Target(targetPath);
        await target.CreateTableAsync(renamed, false, CancellationToken.None);

        await target.FinishTableAsync(renamed, source, "auto", CancellationToken.None);

        Assert.Equal(50L, SqliteFile.Scalar(targetPath, "SELECT seq FROM sqlite_sequence WHERE name = 'it''s renamed'"));
    }

    [Fact]
    public async Task FinishTableAsync_NotAutoIncrement_DoesNothingEvenWithoutSourceSequence()
    {
        var srcPath = _dir.File("plain.db");
        SqliteFile.Exec(srcPath, "CREATE TABLE plain (id INTEGER PRIMARY KEY)");
        await using var source = Stores.Source(srcPath);
        var plain = Auto with { Name = "plain", AutoIncrement = false };
        await using var target = Stores.Target(_dir.File("dst.db"));
        await target.CreateTableAsync(plain, false, CancellationToken.None);

        await target.FinishTableAsync(plain, source, "plain", CancellationToken.None);

        Assert.Null(SqliteFile.Scalar(_dir.File("dst.db"), "SELECT name FROM sqlite_schema WHERE name = 'sqlite_sequence'"));
    }
}

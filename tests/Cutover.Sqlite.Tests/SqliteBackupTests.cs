using System.Security.Cryptography;
using Cutover.Connectors;
using Cutover.Sqlite.Tests.Support;

namespace Cutover.Sqlite.Tests;

public sealed class SqliteBackupTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly Cutover.Schema.TargetTable Items = Stores.Table("items", ["k"], "k INTEGER", "v");

    /// <summary>A target with enough rows (and an index) to span many pages.</summary>
    private string SeededTarget()
    {
        var path = _dir.File("target.db");
        SqliteFile.Exec(path, "CREATE TABLE items (k INTEGER PRIMARY KEY, v TEXT); CREATE INDEX items_v ON items (v);");
        SqliteFile.InsertRows(path, "items", ["k", "v"], Enumerable.Range(1, 3000).Select(i => new object?[] { (long)i, $"value {i} " + new string('x', i % 50) }));
        return path;
    }

    [Fact]
    public async Task BackupAsync_ExistingTarget_FileMatchesReportedHashAndRows()
    {
        await using var target = Stores.Target(SeededTarget());

        var backup = await target.BackupAsync(new BackupRequest(_dir.File("backups"), "target-1", [], []), CancellationToken.None);

        Assert.True(backup.Existed);
        Assert.Equal(_dir.File(Path.Combine("backups", "target-1.db")), backup.Path);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(backup.Path))), backup.Sha256);
        Assert.Equal(new FileInfo(backup.Path).Length, backup.Bytes);
        Assert.Equal(3000L, SqliteFile.Scalar(backup.Path, "SELECT COUNT(*) FROM items"));
    }

    [Fact]
    public async Task CheckBackupIntegrityAsync_GoodBackup_ReturnsNull()
    {
        await using var target = Stores.Target(SeededTarget());
        var backup = await target.BackupAsync(new BackupRequest(_dir.File("backups"), "good", [], []), CancellationToken.None);

        Assert.Null(await target.CheckBackupIntegrityAsync(backup.Path, CancellationToken.None));
    }

    [Fact]
    public async Task CheckBackupIntegrityAsync_BytesOverwrittenInTheMiddle_ReportsProblem()
    {
        await using var target = Stores.Target(SeededTarget());
        var backup = await target.BackupAsync(new BackupRequest(_dir.File("backups"), "bad", [], []), CancellationToken.None);
        var bytes = File.ReadAllBytes(backup.Path);
        Assert.True(bytes.Length > 16 * 4096);
        Array.Fill(bytes, (byte)0xA5, bytes.Length / 2, 8192);
        File.WriteAllBytes(backup.Path, bytes);

        var problem = await target.CheckBackupIntegrityAsync(backup.Path, CancellationToken.None);

        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Fact]
    public async Task CheckBackupIntegrityAsync_SchemaPageOverwritten_ReportsProblemInsteadOfThrowing()
    {
        await using var target = Stores.Target(SeededTarget());
        var backup = await target.BackupAsync(new BackupRequest(_dir.File("backups"), "bad-schema", [], []), CancellationToken.None);
        var bytes = File.ReadAllBytes(backup.Path);
        Array.Fill(bytes, (byte)0xA5, 100, 4000);
        File.WriteAllBytes(backup.Path, bytes);

        var problem = await target.CheckBackupIntegrityAsync(backup.Path, CancellationToken.None);

        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Fact]
    public async Task CheckBackupIntegrityAsync_NotADatabase_ReportsProblemInsteadOfThrowing()
    {
        await using var target = Stores.Target(SeededTarget());
        var junk = _dir.File("junk.db");
        File.WriteAllBytes(junk, Enumerable.Repeat((byte)0x42, 10_000).ToArray());

        Assert.False(string.IsNullOrWhiteSpace(await target.CheckBackupIntegrityAsync(junk, CancellationToken.None)));
    }

    [Fact]
    public async Task RestoreAsync_TargetChangedAfterBackup_BringsBackOriginalRows()
    {
        var path = SeededTarget();
        var original = SqliteFile.Query(path, "SELECT k, v FROM items ORDER BY k");
        await using var target = Stores.Target(path);
        var backup = await target.BackupAsync(new BackupRequest(_dir.File("backups"), "before", [], []), CancellationToken.None);
        await target.WriteBatchAsync(Items, [[1L, "changed"], [5000L, "added"]], WriteMode.Upsert, false, CancellationToken.None);
        await target.DeleteKeysAsync(Items, [[2L], [3L]], CancellationToken.None);
        await target.CreateTableAsync(Stores.Table("extra", ["k"], "k INTEGER"), false, CancellationToken.None);

        await target.RestoreAsync(backup, CancellationToken.None);

        Assert.Equal(original, SqliteFile.Query(path, "SELECT k, v FROM items ORDER BY k"));
        Assert.Null(SqliteFile.Scalar(path, "SELECT name FROM sqlite_schema WHERE name = 'extra'"));
        Assert.Equal("ok", SqliteFile.Scalar(path, "PRAGMA integrity_check"));
    }

    [Fact]
    public async Task RestoreAsync_SameStoreAfterwards_ReadsRestoredRows()
    {
        var path = SeededTarget();
        await using var target = Stores.Target(path);
        var backup = await target.BackupAsync(new BackupRequest(_dir.File("backups"), "before", [], []), CancellationToken.None);
        await target.DeleteKeysAsync(Items, Enumerable.Range(1, 1000).Select(i => (IReadOnlyList<object?>)[(long)i]).ToList(), CancellationToken.None);

        await target.RestoreAsync(backup, CancellationToken.None);

        Assert.Equal(3000, await target.CountAsync("items", CancellationToken.None));
        Assert.True(await target.TableExistsAsync("items", CancellationToken.None));
        Assert.Equal("value 1 x", await target.ScalarAsync("SELECT v FROM items WHERE k = 1", CancellationToken.None));
    }

    [Fact]
    public async Task RestoreAsync_TargetDidNotExist_DeletesTargetFile()
    {
        var path = _dir.File("fresh.db");
        await using var target = Stores.Target(path);
        var backup = await target.BackupAsync(new BackupRequest(_dir.File("backups"), "none", [], []), CancellationToken.None);
        await target.CreateTableAsync(Items, false, CancellationToken.None);
        await target.WriteBatchAsync(Items, [[1L, "a"]], WriteMode.Insert, false, CancellationToken.None);
        Assert.True(File.Exists(path));

        await target.RestoreAsync(backup, CancellationToken.None);

        Assert.False(backup.Existed);
        Assert.Empty(Directory.GetFiles(_dir.Path, "fresh.db*"));
    }

    [Fact]
    public async Task RestoreAsync_WalModeTarget_RestoresAndLeavesNoStaleWal()
    {
        var path = SeededTarget();
        SqliteFile.Exec(path, "PRAGMA journal_mode = WAL");
        await using var target = Stores.Target(path);
        var backup = await target.BackupAsync(new BackupRequest(_dir.File("backups"), "wal", [], []), CancellationToken.None);
        await target.WriteBatchAsync(Items, Enumerable.Range(4000, 500).Select(i => new object?[] { (long)i, "late" }).ToList(), WriteMode.Insert, false, CancellationToken.None);

        await target.RestoreAsync(backup, CancellationToken.None);

        Assert.Equal(3000L, SqliteFile.Scalar(path, "SELECT COUNT(*) FROM items"));
        Assert.Equal(0L, SqliteFile.Scalar(path, "SELECT COUNT(*) FROM items WHERE v = 'late'"));
    }
}

using Cutover.Connectors;
using Cutover.Errors;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>
/// Backups of a PostgreSQL target hold the run's tables and nothing else, and a restore puts back exactly those: the
/// tables the run replaced come back with their rows, indexes, constraints, sequences and comments; the tables it created
/// are dropped; everything else in the database is not touched.
/// </summary>
public sealed class PostgreSqlBackupTests : StoreTestBase, IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cutover-pgbackup-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<IBackupCapable> BackupTargetAsync() => (IBackupCapable)await TargetAsync();

    private BackupRequest Request(IReadOnlyList<string> tables, IReadOnlyList<string> newTables) => new(_dir.FullName, "run-target", tables, newTables);

    /// <summary>Every row of <paramref name="sql"/>, each as its values joined with '|'.</summary>
    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var conn = await TestDatabases.OpenAsync(DatabaseUri);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await r.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "NULL" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }
        return rows;
    }

    /// <summary>Tables, columns, indexes, constraints, sequences and comments of the public schema: what a restore must bring back.</summary>
    private Task<List<string>> ShapeAsync() => RowsAsync("""
        SELECT 'table ' || c.relname || ' ' || coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r'
        UNION ALL SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') || ' ' || is_identity
          FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
          WHERE connamespace = 'public'::regnamespace AND conrelid <> 0
        UNION ALL SELECT 'sequence ' || sequencename || ' ' || coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'
        ORDER BY 1
        """);

    private const string Before = """
        CREATE TABLE parent (id serial PRIMARY KEY, name text NOT NULL UNIQUE CHECK (name <> ''), born date DEFAULT '2020-01-01');
        CREATE TABLE child (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id), v text);
        CREATE INDEX child_v ON child (v);
        COMMENT ON TABLE parent IS 'the old parents';
        INSERT INTO parent (name) SELECT 'p' || g FROM generate_series(1, 30) g;
        INSERT INTO child (parent_id, v) SELECT 1 + g % 30, 'v' || g FROM generate_series(1, 90) g;
        CREATE TABLE unrelated (k text PRIMARY KEY, v bytea);
        INSERT INTO unrelated SELECT 'k' || g, decode(repeat('ab', 1000), 'hex') FROM generate_series(1, 3000) g;
        """;

    [Fact]
    public async Task BackupAsync_DumpsTheRequestedTablesOnly_NotTheUnrelatedOne()
    {
        await TestDatabases.ExecAsync(DatabaseUri, Before);
        var target = await BackupTargetAsync();

        var backup = await target.BackupAsync(Request(["parent", "child"], ["made"]), None);

        Assert.True(backup.Existed);
        Assert.Equal(Path.Combine(_dir.FullName, "run-target.pgdump"), backup.Path);
        Assert.Equal(["parent", "child"], backup.Tables);
        Assert.Equal(["made"], backup.NewTables);
        Assert.Equal(new FileInfo(backup.Path).Length, backup.Bytes);
        Assert.Null(await target.CheckBackupIntegrityAsync(backup.Path, None));
        // unrelated holds about 3 MB; the dump of 120 small rows stays far below that.
        var unrelatedBytes = Convert.ToInt64((await RowsAsync("SELECT pg_total_relation_size('unrelated')"))[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(unrelatedBytes > 2_000_000, $"unrelated is only {unrelatedBytes} bytes");
        Assert.True(backup.Bytes < 64 * 1024, $"the dump is {backup.Bytes} bytes: it holds more than parent and child");
        var toc = await File.ReadAllBytesAsync(backup.Path);
        Assert.DoesNotContain("unrelated", System.Text.Encoding.UTF8.GetString(toc), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupAsync_NoneOfTheTablesExists_TakesNoFile()
    {
        var target = await BackupTargetAsync();

        var backup = await target.BackupAsync(Request([], ["a", "b"]), None);

        Assert.True(backup.Existed);
        Assert.Equal("", backup.Path);
        Assert.Equal(["a", "b"], backup.NewTables);
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public async Task RestoreAsync_ReplacedTablesComeBackExactly_CreatedOnesDropped_UnrelatedUntouched()
    {
        await TestDatabases.ExecAsync(DatabaseUri, Before);
        var shape = await ShapeAsync();
        var parents = await RowsAsync("SELECT id, name, born FROM parent ORDER BY id");
        var children = await RowsAsync("SELECT id, parent_id, v FROM child ORDER BY id");
        var unrelatedOid = await RowsAsync("SELECT 'unrelated'::regclass::oid");
        var target = await BackupTargetAsync();
        var backup = await target.BackupAsync(Request(["parent", "child"], ["made"]), None);
        // What a run under if_exists: replace does: new tables of its own, one new table pointing at a replaced one.
        await TestDatabases.ExecAsync(DatabaseUri, """
            DROP TABLE child; DROP TABLE parent;
            CREATE TABLE parent (id text PRIMARY KEY, name text);
            CREATE TABLE child (id text PRIMARY KEY, parent_id text REFERENCES parent (id));
            CREATE TABLE made (id text PRIMARY KEY, parent_id text REFERENCES parent (id));
            INSERT INTO parent VALUES ('01J', 'new');
            INSERT INTO child VALUES ('c', '01J');
            INSERT INTO made VALUES ('m', '01J');
            """);

        await target.RestoreAsync(backup, None);

        Assert.Equal(shape, await ShapeAsync());
        Assert.Equal(parents, await RowsAsync("SELECT id, name, born FROM parent ORDER BY id"));
        Assert.Equal(children, await RowsAsync("SELECT id, parent_id, v FROM child ORDER BY id"));
        Assert.Equal(unrelatedOid, await RowsAsync("SELECT 'unrelated'::regclass::oid"));
        Assert.Equal(["3000"], await RowsAsync("SELECT count(*) FROM unrelated"));
        // The sequences carry on where they were, and the constraints hold.
        Assert.Equal(["31"], await RowsAsync("INSERT INTO parent (name) VALUES ('next') RETURNING id"));
        var ex = await Assert.ThrowsAsync<PostgresException>(() => TestDatabases.ExecAsync(DatabaseUri, "INSERT INTO child (parent_id, v) VALUES (999, 'orphan')"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, ex.SqlState);
    }

    [Fact]
    public async Task RestoreAsync_AnOutsideViewOnAReplacedTable_RollbackFailedAndNothingChanged()
    {
        await TestDatabases.ExecAsync(DatabaseUri, Before);
        var target = await BackupTargetAsync();
        var backup = await target.BackupAsync(Request(["parent", "child"], ["made"]), None);
        await TestDatabases.ExecAsync(DatabaseUri, "CREATE TABLE made (id int PRIMARY KEY); CREATE VIEW parent_names AS SELECT name FROM parent");

        var ex = await Assert.ThrowsAsync<CutoverException>(() => target.RestoreAsync(backup, None));

        Assert.Equal(ErrorCodes.RollbackFailed, ex.Code);
        Assert.Contains("parent_names", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["child", "made", "parent", "unrelated"], await RowsAsync("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"));
    }

    [Fact]
    public async Task RestoreAsync_WithoutFile_DropsOnlyTheNewTables()
    {
        await TestDatabases.ExecAsync(DatabaseUri, Before + "CREATE TABLE made (id int PRIMARY KEY);");
        var target = await BackupTargetAsync();

        await target.RestoreAsync(new BackupInfo("", "", 0, Existed: true) { Tables = ["parent"], NewTables = ["made"] }, None);

        Assert.Equal(["child", "parent", "unrelated"], await RowsAsync("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"));
        Assert.Equal(["30"], await RowsAsync("SELECT count(*) FROM parent"));
    }

    [Fact]
    public async Task NoBackupReason_SourceSaysItIsOnlyRead_TargetIsBackedUp()
    {
        var source = (IBackupCapable)await SourceAsync();
        var target = await BackupTargetAsync();

        Assert.Contains("only read", source.NoBackupReason, StringComparison.Ordinal);
        Assert.Null(target.NoBackupReason);
        Assert.True(target.BacksUpTablesOnly);
    }
}

using Cutover.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>The zero-downtime life cycle between two SQLite files, with trigger capture.</summary>
public sealed class SqliteZeroDowntimeTests : ZeroDowntimeScenario
{
    private string Source => Dir.File("app.db");
    private string Target => Dir.File("app_v2.db");

    protected override bool Postgres => false;
    protected override string SourceUri => "sqlite:./app.db";
    protected override string TargetUri => "sqlite:./app_v2.db";
    protected override string SourceConnection => $"Data Source={Source}";
    protected override string TargetConnection => $"Data Source={Target}";

    protected override void CreateSource(int rows)
    {
        Db.Exec(Source, "PRAGMA journal_mode = WAL; CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL, price REAL)");
        using var c = Db.Open(Source);
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO items VALUES ($id, $name, $qty, $price)";
        var id = cmd.Parameters.Add("$id", SqliteType.Integer);
        var name = cmd.Parameters.Add("$name", SqliteType.Text);
        var qty = cmd.Parameters.Add("$qty", SqliteType.Integer);
        var price = cmd.Parameters.Add("$price", SqliteType.Real);
        for (var i = 1L; i <= rows; i++)
        {
            var (n, q, p) = SeedRow(i);
            (id.Value, name.Value, qty.Value, price.Value) = (i, n, q, p);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    protected override List<string> Rows(bool source) => Db.Rows(source ? Source : Target, ItemsSql);

    protected override string? TryWrite(bool source, string sql)
    {
        try
        {
            Db.Exec(source ? Source : Target, sql);
            return null;
        }
        catch (SqliteException ex)
        {
            return ex.Message;
        }
    }

    protected override bool ProbeRolledBack(bool source, string sql)
    {
        using var c = Db.Open(source ? Source : Target);
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        try
        {
            cmd.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException ex) when (ex.Message.Contains("WRITES_FROZEN", StringComparison.Ordinal))
        {
            return false;
        }
        finally
        {
            tx.Rollback();
        }
    }

    protected override long CountCutoverObjects(bool source) =>
        (long)Db.Scalar(source ? Source : Target, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '\\_cutover%' ESCAPE '\\'")!;

    [Fact]
    public void PauseThenResume_SyncWaitsWhilePausedAndAppliesAfter()
    {
        CreateSource(100);
        WritePlan();
        Ok(Cli("migrate", "plan.yaml"));
        Db.Exec(Dir.File("app.db"), "UPDATE items SET qty = qty + 1 WHERE id <= 10");
        var paused = Cli("pause", "plan.yaml");
        Ok(paused);
        Assert.Contains("paused", paused.StdOut);
        Assert.Contains("PAUSED", Cli("status", "plan.yaml").StdOut);

        using var sync = CutoverCli.Start(Dir.Path, "sync", "plan.yaml");
        Assert.False(sync.WaitForExit(TimeSpan.FromSeconds(3)), "sync ran while the plan was paused");
        Assert.Equal(7L, Db.Scalar(Dir.File("app_v2.db"), "SELECT qty FROM items WHERE id = 1"));

        Ok(Cli("resume", "plan.yaml"));
        Assert.True(sync.WaitForExit(TimeSpan.FromSeconds(30)), "sync did not go on after resume");
        Assert.Equal(0, sync.ExitCode);
        Assert.Equal(8L, Db.Scalar(Dir.File("app_v2.db"), "SELECT qty FROM items WHERE id = 1"));
        Assert.DoesNotContain("PAUSED", Cli("status", "plan.yaml").StdOut);
    }

    [Fact]
    public Task LifeCycle_SqliteToSqlite_LosesNoWriteAndEndsIdentical() => LifeCycle_WhileTheApplicationWrites_LosesNoWriteAndEndsIdentical();

    [Fact]
    public Task KilledSyncAndCutover_SqliteToSqlite_RerunEndsExactWithOneAuthority() => KilledSyncAndCutover_RerunEndsExactWithOneAuthority();
}

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
    public void Cutover_LagAboveTheLimit_RefusesAndTheSourceStaysWritable()
    {
        CreateSource(100);
        Dir.Write("plan.yaml", File.ReadAllText(WritePlan()).Replace("max_pending: 100000", "max_pending: 5", StringComparison.Ordinal));
        Ok(Cli("migrate", "plan.yaml"));
        Db.Exec(Dir.File("app.db"), "UPDATE items SET qty = qty + 1 WHERE id <= 20");

        var r = Cli("cutover", "plan.yaml");

        Assert.Equal(12, r.ExitCode);
        Assert.Contains("CUTOVER_FAILED", r.StdErr);
        Assert.Contains("step 'prepare'", r.StdErr);
        Assert.Contains("LAG_TOO_HIGH: 20 changes pending", r.StdErr);
        Assert.Contains("The source is still authoritative and writable", r.StdErr);
        Assert.Equal("source", Authority());
        Assert.Null(TryWrite(source: true, "UPDATE items SET qty = 0 WHERE id = 50"));
        Assert.Contains("WRITES_FROZEN", TryWrite(source: false, "UPDATE items SET qty = 0 WHERE id = 50"));
    }

    [Fact]
    public void Cutover_TargetDiffersAtVerify_FailsNamingTheStepAndUnfreezesTheSource()
    {
        CreateSource(100);
        WritePlan();
        Ok(Cli("migrate", "plan.yaml"));
        // A row lost behind Cutover's back (passing the freeze the way sync does).
        Db.Exec(Dir.File("app_v2.db"), "BEGIN; UPDATE _cutover_control SET applying = 1; DELETE FROM items WHERE id = 42; UPDATE _cutover_control SET applying = 0; COMMIT;");

        var r = Cli("cutover", "plan.yaml", "--json");

        Assert.Equal(12, r.ExitCode);
        Assert.Contains("failed at step 'verify': COUNT_MISMATCH: items: source 100 rows, target 99 rows", r.StdErr);
        using (var doc = System.Text.Json.JsonDocument.Parse(r.StdOut))
        {
            Assert.Equal("verify", doc.RootElement.GetProperty("failed_step").GetString());
            Assert.Equal("source", doc.RootElement.GetProperty("authority").GetString());
        }
        Assert.Equal("source", Authority());
        Assert.Null(TryWrite(source: true, "UPDATE items SET qty = 0 WHERE id = 50"));
        Assert.Contains("WRITES_FROZEN", TryWrite(source: false, "UPDATE items SET qty = 0 WHERE id = 50"));
        var status = Cli("status", "plan.yaml", "--json");
        Assert.Contains("\"maintenance\": false", status.StdOut);
        Assert.Contains("\"handover\": null", status.StdOut);
    }

    [Fact]
    public void Rollback_WhileTheSourceIsAuthoritativeAndCaptured_RefusesInsteadOfRestoringBackups()
    {
        CreateSource(100);
        WritePlan();
        Ok(Cli("migrate", "plan.yaml"));
        Db.Exec(Dir.File("app.db"), "UPDATE items SET qty = 1 WHERE id = 3");
        Ok(Cli("sync", "plan.yaml"));

        var r = Cli("rollback", "plan.yaml");

        Assert.Equal(12, r.ExitCode);
        Assert.Contains("WRONG_AUTHORITY", r.StdErr);
        Assert.Contains("no cut-over to roll back", r.StdErr);
        Assert.Equal(100L, Db.Count(Dir.File("app_v2.db"), "items"));
        Assert.Equal(1L, Db.Scalar(Dir.File("app_v2.db"), "SELECT qty FROM items WHERE id = 3"));
    }

    [Fact]
    public Task LifeCycle_SqliteToSqlite_LosesNoWriteAndEndsIdentical() => LifeCycle_WhileTheApplicationWrites_LosesNoWriteAndEndsIdentical();

    [Fact]
    public Task KilledSyncAndCutover_SqliteToSqlite_RerunEndsExactWithOneAuthority() => KilledSyncAndCutover_RerunEndsExactWithOneAuthority();
}

using System.Text.Json;
using Cutover.Cli.Tests.Support;
using Npgsql;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// A SQLite to SQLite migration whose state lives in PostgreSQL (<c>state: postgres://…</c>): status and idmap read it
/// there, and a second migrator is refused while another session holds the plan's advisory lock.
/// </summary>
public sealed class PostgreSqlStateTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Pg _pg = new();

    public void Dispose()
    {
        _pg.Dispose();
        _dir.Dispose();
    }

    private string Source => _dir.File("app.db");

    private void WritePlan(string state) => _dir.Write("cutover.yaml", Db.SamplePlan
        .Replace("BATCH", "50", StringComparison.Ordinal)
        .Replace("target: sqlite:./app_v2.db\n", $"target: sqlite:./app_v2.db\nstate: '{state}'\n", StringComparison.Ordinal));

    [Fact]
    public void Migrate_WithPostgresState_StatusAndIdMapReadIt_AndASecondMigratorIsLockedOut()
    {
        Db.CreateSample(Source, parents: 40, childrenPerParent: 3, logs: 20);
        WritePlan(_pg.Uri);

        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        var status = CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json");
        var oldId = (string)Db.Scalar(Source, "SELECT id FROM sessions ORDER BY created_at LIMIT 1")!;
        var idmap = CutoverCli.Run(_dir.Path, "idmap", "cutover.yaml", "sessions", oldId, "--json");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal("completed", JsonDocument.Parse(status.StdOut).RootElement.GetProperty("status").GetString());
        Assert.True(idmap.ExitCode == 0, idmap.ToString());
        var newId = JsonDocument.Parse(idmap.StdOut).RootElement.GetProperty("new").GetString()!;
        Assert.Equal(1L, Db.Scalar(_dir.File("app_v2.db"), $"SELECT COUNT(*) FROM sessions WHERE id = '{newId}'"));
        // The state is in the database, scoped by plan name; only backups and the log stay beside the plan.
        Assert.False(File.Exists(_dir.File(Path.Combine(".cutover", "sample", "state.db"))));
        Assert.Equal("completed", _pg.Scalar("SELECT status FROM cutover_state.runs WHERE plan = 'sample'"));
        Assert.Equal(40L, Convert.ToInt64(_pg.Scalar("SELECT COUNT(*) FROM cutover_state.idmap WHERE plan = 'sample' AND entity = 'sessions'")));

        // Another session holds the plan's advisory lock, as a migrator on another machine would.
        using (var holder = _pg.Open())
        {
            using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('cutover:' || 'sample'))", holder))
            {
                take.ExecuteNonQuery();
            }
            var locked = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

            Assert.True(locked.ExitCode == 8, locked.ToString());
            Assert.Contains("RUN_LOCKED", locked.StdErr, StringComparison.Ordinal);
            Assert.Contains("another cutover process holds this plan's lock in the state database", locked.StdErr, StringComparison.Ordinal);
            Assert.DoesNotContain(_pg.Password, locked.StdErr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Plan_WithAnUnknownStateUri_IsAPlanErrorAtItsLine()
    {
        Db.CreateSample(Source, parents: 2, childrenPerParent: 1, logs: 1);
        WritePlan("mysql://u:secretpw@localhost/db");

        var r = CutoverCli.Run(_dir.Path, "status", "cutover.yaml");

        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.Contains("cutover.yaml:4", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("state", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("secretpw", r.StdErr, StringComparison.Ordinal);
    }
}

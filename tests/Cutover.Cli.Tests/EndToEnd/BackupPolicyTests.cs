using System.Text.Json;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// <c>backup: all | target | none</c> through the real CLI: which backups are taken and recorded, what the dry run says,
/// and what rollback can and cannot undo without them.
/// </summary>
public sealed class BackupPolicyTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Source => _dir.File("app.db");

    private string Target => _dir.File("app_v2.db");

    private void WritePlan(string extra) => _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "100", StringComparison.Ordinal) + "\n" + extra + "\n");

    private JsonElement[] Backups()
    {
        var list = CutoverCli.Run(_dir.Path, "backup", "list", "cutover.yaml", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using var doc = JsonDocument.Parse(list.StdOut);
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static JsonElement Role(JsonElement[] backups, string role) => backups.Single(b => b.GetProperty("role").GetString() == role);

    private string[] BackupFiles() => Directory.Exists(_dir.File(".cutover/sample/backups"))
        ? Directory.GetFiles(_dir.File(".cutover/sample/backups")).Select(f => Path.GetFileName(f)).ToArray()
        : [];

    [Fact]
    public void BackupTarget_SkipsAndRecordsTheSource_BacksUpTheExistingTarget()
    {
        Db.CreateSample(Source, parents: 10, childrenPerParent: 3, logs: 4);
        Db.Exec(Target, "CREATE TABLE keep_me (k INTEGER PRIMARY KEY); INSERT INTO keep_me VALUES (1), (2);");
        WritePlan("backup: target");

        var dry = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--dry-run", "--json");
        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        using (var doc = JsonDocument.Parse(dry.StdOut))
        {
            var report = doc.RootElement.GetProperty("report");
            Assert.Equal("target", report.GetProperty("backup").GetString());
            Assert.Contains("not backed up: backup: target in the plan", report.GetProperty("backups")[0].GetString(), StringComparison.Ordinal);
        }
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        var backups = Backups();
        Assert.Equal("backup: target in the plan (Cutover only reads the source)", Role(backups, "source").GetProperty("skipped").GetString());
        Assert.Equal("", Role(backups, "source").GetProperty("path").GetString());
        Assert.True(Role(backups, "target").GetProperty("existed").GetBoolean());
        Assert.EndsWith("-target.db", Assert.Single(BackupFiles()), StringComparison.Ordinal);

        var rollback = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(["keep_me"], Db.Rows(Target, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").Select(r => r[1..]));
        Assert.Equal(2, Db.Count(Target, "keep_me"));
    }

    [Fact]
    public void BackupNone_TakesNoFile_RollbackDropsWhatTheRunCreated_KeepsTheRest()
    {
        Db.CreateSample(Source, parents: 10, childrenPerParent: 3, logs: 4);
        Db.Exec(Target, "CREATE TABLE keep_me (k INTEGER PRIMARY KEY); INSERT INTO keep_me VALUES (1), (2);");
        WritePlan("backup: none");

        var dry = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--dry-run");
        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.Contains("backups (backup: none):", dry.StdOut, StringComparison.Ordinal);
        Assert.Contains("not backed up (backup: none); rollback drops tables sessions, events, logs (created by the run)", dry.StdOut, StringComparison.Ordinal);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Empty(BackupFiles());
        var target = Role(Backups(), "target");
        Assert.Equal("backup: none in the plan", target.GetProperty("skipped").GetString());
        Assert.Equal(["sessions", "events", "logs"], target.GetProperty("new_tables").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0, target.GetProperty("tables").GetArrayLength());

        var rollback = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains("drop tables sessions, events, logs from target", rollback.StdOut, StringComparison.Ordinal);
        Assert.Equal(["keep_me"], Db.Rows(Target, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").Select(r => r[1..]));
        Assert.Equal(2, Db.Count(Target, "keep_me"));
        var again = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    [Fact]
    public void BackupNone_ReplacedTable_RollbackRefusesWithBackupNotTaken_AndChangesNothing()
    {
        Db.CreateSample(Source, parents: 10, childrenPerParent: 3, logs: 4);
        Db.Exec(Target, "CREATE TABLE sessions (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO sessions VALUES (1, 'old');");
        WritePlan("backup: none\nif_exists: replace");
        var dry = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--dry-run");
        Assert.Contains("rollback cannot put back table sessions, which exist already", dry.StdOut, StringComparison.Ordinal);
        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("rollback cannot put back sessions", migrate.StdOut, StringComparison.Ordinal);
        var before = Db.Rows(Target, "SELECT name FROM sqlite_master ORDER BY name");

        var rollback = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml");
        var json = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml", "--json");

        Assert.Equal(9, rollback.ExitCode);
        Assert.Contains("rollback: error BACKUP_NOT_TAKEN: run ", rollback.StdErr, StringComparison.Ordinal);
        Assert.Contains("(backup: none in the plan), so table(s) sessions of target", rollback.StdErr, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", rollback.StdErr, StringComparison.Ordinal);
        Assert.Equal(9, json.ExitCode);
        using (var doc = JsonDocument.Parse(json.StdOut))
        {
            Assert.Equal("BACKUP_NOT_TAKEN", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        Assert.Equal(before, Db.Rows(Target, "SELECT name FROM sqlite_master ORDER BY name"));
        Assert.Equal(10, Db.Count(Target, "sessions"));
        var status = CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json");
        using (var doc = JsonDocument.Parse(status.StdOut))
        {
            Assert.Equal("completed", doc.RootElement.GetProperty("status").GetString());
        }
    }

    [Fact]
    public void BackupAll_Default_StaysAsBefore_SourceAndTargetFiles()
    {
        Db.CreateSample(Source, parents: 10, childrenPerParent: 3, logs: 4);
        Db.Exec(Target, "CREATE TABLE keep_me (k INTEGER PRIMARY KEY);");
        WritePlan("");

        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Equal(["source", "target"], BackupFiles().Select(f => f.EndsWith("-source.db", StringComparison.Ordinal) ? "source" : f.EndsWith("-target.db", StringComparison.Ordinal) ? "target" : f).Order());
        var backups = Backups();
        Assert.All(backups, b => Assert.Equal(JsonValueKind.Null, b.GetProperty("skipped").ValueKind));
        Assert.Equal(["sessions", "events", "logs"], Role(backups, "target").GetProperty("new_tables").EnumerateArray().Select(t => t.GetString()));
    }
}

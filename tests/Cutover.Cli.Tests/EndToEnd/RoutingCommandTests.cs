using System.Text.Json;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary><c>cutover stage</c> and <c>cutover traffic</c> through the real CLI: the routing control in the state store, status, the audit log.</summary>
public sealed class RoutingCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Plan()
    {
        Db.Exec(_dir.File("app.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        _dir.Write("cutover.yaml", "name: r\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: t\n");
    }

    private JsonElement Routing() => JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement.GetProperty("routing");

    [Fact]
    public void StageThenTraffic_AreStoredForApplications_WithAVersionEachAndAnAuditEntry()
    {
        Plan();

        var stage = CutoverCli.Run(_dir.Path, "stage", "cutover.yaml", "dual-write", "--lead", "old");
        var traffic = CutoverCli.Run(_dir.Path, "traffic", "cutover.yaml", "--reads", "10", "--writes", "50", "--json");
        var same = CutoverCli.Run(_dir.Path, "traffic", "cutover.yaml", "--writes", "50", "--json");

        Assert.True(stage.ExitCode == 0, stage.ToString());
        Assert.Contains("stage dual-write (old leads), reads 0% new, writes 0% new", stage.StdOut, StringComparison.Ordinal);
        Assert.True(traffic.ExitCode == 0, traffic.ToString());
        Assert.True(JsonDocument.Parse(traffic.StdOut).RootElement.GetProperty("changed").GetBoolean());
        Assert.False(JsonDocument.Parse(same.StdOut).RootElement.GetProperty("changed").GetBoolean());
        var routing = Routing();
        Assert.Equal("dual-write", routing.GetProperty("stage").GetString());
        Assert.Equal("old", routing.GetProperty("lead").GetString());
        Assert.Equal(10, routing.GetProperty("read_percent").GetInt32());
        Assert.Equal(50, routing.GetProperty("write_percent").GetInt32());
        Assert.Equal(2, routing.GetProperty("version").GetInt64());
        var state = _dir.File(".cutover/r/state.db");
        Assert.Equal(2L, Db.Scalar(state, "SELECT COUNT(*) FROM audit WHERE action LIKE 'routing.%'"));
    }

    [Theory]
    [InlineData("stage", "sideways")]
    [InlineData("stage", "live", "--lead", "both")]
    [InlineData("traffic", "--reads", "101")]
    [InlineData("traffic")]
    public void BadValues_AreRefusedWithUsageExit2_AndChangeNothing(params string[] args)
    {
        Plan();

        var r = CutoverCli.Run(_dir.Path, [args[0], "cutover.yaml", .. args[1..]]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("USAGE_INVALID", r.StdErr, StringComparison.Ordinal);
        var status = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;
        Assert.Equal(JsonValueKind.Null, status.GetProperty("routing").ValueKind);
    }

    [Fact]
    public void Conflicts_ListsTheUnresolvedOnes_AndWithAllTheResolvedToo()
    {
        Plan();
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "stage", "cutover.yaml", "dual-write").ExitCode);
        var state = _dir.File(".cutover/r/state.db");
        Db.Exec(state, """
            INSERT INTO conflicts (entity, key, kind, failed_side, error, fields, at) VALUES ('sessions', 's-1', 'partial_write', 'new', 'timeout', '[]', '2026-11-22T12:00:00.0000000+00:00');
            INSERT INTO conflicts (entity, key, kind, failed_side, error, fields, at, resolution, resolved_at) VALUES ('sessions', 's-2', 'shadow_mismatch', NULL, NULL, '["title"]', '2026-11-22T12:00:01.0000000+00:00', 'old_wins', '2026-11-22T12:01:00.0000000+00:00');
            """);

        var open = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "conflicts", "cutover.yaml", "--json").StdOut).RootElement;
        var all = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "conflicts", "cutover.yaml", "--all", "--json").StdOut).RootElement;
        var table = CutoverCli.Run(_dir.Path, "conflicts", "cutover.yaml", "--all");

        Assert.Equal(1, open.GetProperty("unresolved").GetInt32());
        var only = Assert.Single(open.GetProperty("conflicts").EnumerateArray().ToList());
        Assert.Equal(("s-1", "partial_write", "new", "timeout"), (only.GetProperty("key").GetString(), only.GetProperty("kind").GetString(),
            only.GetProperty("failed_side").GetString(), only.GetProperty("error").GetString()));
        Assert.Equal(2, all.GetProperty("conflicts").GetArrayLength());
        Assert.Equal("old_wins", all.GetProperty("conflicts")[1].GetProperty("resolution").GetString());
        Assert.Contains("differs in title", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("1 unresolved of 2 listed", table.StdOut, StringComparison.Ordinal);
    }
}

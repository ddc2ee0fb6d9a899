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
}

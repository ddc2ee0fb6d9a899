using System.Text.Json;
using Cutover.Cli.Tests.Support;
using Cutover.PostgreSql;
using Cutover.State;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// A table keyed by PostgreSQL's uuid, from one database to another: Cutover carries such keys as text, and every
/// command that looks rows up by key (repair, reconcile) must still find them (it once failed with "operator does not
/// exist: uuid = text").
/// </summary>
public sealed class PostgresUuidKeyTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Pg _source = new();
    private readonly Pg _target = new();

    public void Dispose()
    {
        _target.Dispose();
        _source.Dispose();
        _dir.Dispose();
    }

    private List<string> Keys()
    {
        _source.Exec("""
            CREATE TABLE docs (id uuid PRIMARY KEY, body text NOT NULL);
            INSERT INTO docs SELECT ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'body ' || g FROM generate_series(1, 40) g;
            """);
        _dir.Write("cutover.yaml", $"name: uu\nsource: '{_source.Uri}'\ntarget: '{_target.Uri}'\nentities:\n  - table: docs\n");
        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        return _source.Rows("SELECT id::text FROM docs ORDER BY id").Select(r => r[1..]).ToList(); // "t…": a text cell
    }

    [Fact]
    public void RepairByKeyAndAll_FindUuidKeyedRows()
    {
        var keys = Keys();
        _target.Exec($"UPDATE docs SET body = 'changed' WHERE id = '{keys[3]}'; DELETE FROM docs WHERE id = '{keys[7]}'; UPDATE docs SET body = 'other' WHERE id = '{keys[9]}';");

        var one = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--keys", keys[3]);
        var all = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--all");
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains("re-verified 1 key: all match", one.StdOut, StringComparison.Ordinal);
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal(_source.Rows("SELECT id, body FROM docs ORDER BY id"), _target.Rows("SELECT id, body FROM docs ORDER BY id"));
    }

    [Fact]
    public async Task Reconcile_SettlesConflictsRecordedUnderUuidKeys()
    {
        var keys = Keys();
        _target.Exec($"UPDATE docs SET body = 'missed' WHERE id = '{keys[5]}'");
        await using (var state = (await PostgreSqlStateStore.OpenAsync(_source.Uri, "uu", create: true, CancellationToken.None))!)
        {
            // The router records the key as the application's Guid prints it: lower case, with hyphens.
            await state.RecordConflictAsync(new ConflictRecord(0, "docs", keys[5], ConflictRecord.PartialWrite, "new", "timeout", [], DateTimeOffset.UtcNow), CancellationToken.None);
        }
        _dir.Write("cutover.yaml", File.ReadAllText(_dir.File("cutover.yaml")) + $"state: '{_source.Uri}'\n");

        var r = CutoverCli.Run(_dir.Path, "reconcile", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var c = JsonDocument.Parse(r.StdOut).RootElement.GetProperty("conflicts").EnumerateArray().Single();
        Assert.Equal(("copy", true, false), (c.GetProperty("action").GetString(), c.GetProperty("resolved").GetBoolean(), c.GetProperty("absent_on_both_sides").GetBoolean()));
        Assert.Equal("body 6", _target.Scalar($"SELECT body FROM docs WHERE id = '{keys[5]}'"));
    }
}

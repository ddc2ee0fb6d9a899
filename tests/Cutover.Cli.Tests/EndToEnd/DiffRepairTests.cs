using System.Diagnostics;
using System.Text.Json;
using Cutover.Cli.Tests.Support;
using static Cutover.Cli.Tests.Support.DiffJson;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// Issue 5's proof on SQLite, through the real CLI: differences injected into a migrated target (a row deleted, a row added,
/// a field changed, a foreign key pointed elsewhere, a float changed in its last bit; in a plain, a re-keyed and a rowid
/// entity) are named exactly by diff, repaired exactly by repair, and verify then passes.
/// </summary>
public sealed class DiffRepairTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Source => _dir.File("app.db");

    private string Target => _dir.File("app_v2.db");

    public void Dispose() => _dir.Dispose();

    private void Migrate(int parents = 40, int children = 50, int logs = 300)
    {
        Db.CreateSample(Source, parents, children, logs);
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("BATCH", "500", StringComparison.Ordinal));
        var m = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(m.ExitCode == 0, m.ToString());
    }

    /// <summary>The next double up from the target's value: the same number but for its last bit.</summary>
    private void BumpLastBit(long eventId)
    {
        using var c = Db.Open(Target);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM events WHERE id = @id";
        cmd.Parameters.AddWithValue("@id", eventId);
        var value = (double)cmd.ExecuteScalar()!;
        cmd.CommandText = "UPDATE events SET value = @v WHERE id = @id";
        cmd.Parameters.AddWithValue("@v", BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(value) + 1));
        Assert.Equal(1, cmd.ExecuteNonQuery());
    }

    [Fact]
    public void Diff_NamesExactlyTheInjectedDifferences_RepairFixesExactlyThose_ThenVerifyPasses()
    {
        Migrate();
        var sessionIds = Db.Rows(Target, "SELECT id FROM sessions ORDER BY id").Select(r => r.Split('|')[0][1..]).ToList();
        var uuidOfFirst = (string)Db.Scalar(Source, "SELECT id FROM sessions ORDER BY created_at LIMIT 1")!;
        var otherSession = (string)Db.Scalar(Target, "SELECT id FROM sessions WHERE id <> (SELECT session_id FROM events WHERE id = 20) LIMIT 1")!;
        Db.Exec(Target, "DELETE FROM events WHERE id = 5");
        Db.Exec(Target, $"INSERT INTO events (id, session_id, kind, body, value) VALUES (5000, '{otherSession}', 'x', 'y', 1.0)");
        Db.Exec(Target, "UPDATE events SET kind = 'tampered' WHERE id = 10");
        Db.Exec(Target, $"UPDATE events SET session_id = '{otherSession}' WHERE id = 20");
        BumpLastBit(30);
        Db.Exec(Target, "UPDATE sessions SET project = 'moved' WHERE created_at = (SELECT MIN(created_at) FROM sessions)");
        Db.Exec(Target, "DELETE FROM logs WHERE rowid = 3");
        Assert.NotEmpty(sessionIds);

        // Small chunks, so events (2000 rows) is cut into key ranges and only the differing ones are compared row by row.
        var diff = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--json", "--chunk-rows", "300");

        Assert.True(diff.ExitCode == 5, diff.ToString());
        Assert.Contains("ROWS_DIFFER", diff.StdErr, StringComparison.Ordinal);
        var root = JsonDocument.Parse(diff.StdOut).RootElement;
        Assert.False(root.GetProperty("match").GetBoolean());
        var events = Entity(root, "events");
        Assert.Equal(["5"], Keys(events, "missing"));
        Assert.Equal(["5000"], Keys(events, "extra"));
        var changed = Changed(events);
        Assert.Equal(["10", "20", "30"], changed.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["kind"], changed["10"]);
        Assert.Equal(["session_id"], changed["20"]);
        Assert.Equal(["value"], changed["30"]);
        Assert.True(events.GetProperty("chunks").GetInt32() >= 6, events.ToString());
        Assert.True(events.GetProperty("chunks_differing").GetInt32() < events.GetProperty("chunks").GetInt32(), events.ToString());
        var sessions = Entity(root, "sessions");
        Assert.Empty(Keys(sessions, "missing"));
        Assert.Empty(Keys(sessions, "extra"));
        // A re-keyed entity is named by its source key (the UUID), with the target's ULID beside it.
        var moved = Assert.Single(sessions.GetProperty("changed").EnumerateArray().ToList());
        Assert.Equal(uuidOfFirst, moved.GetProperty("key").GetString());
        Assert.Equal(26, moved.GetProperty("target_key").GetString()!.Length);
        Assert.Equal("moved", moved.GetProperty("target").GetProperty("project").GetString());
        var logs = Entity(root, "logs");
        Assert.Equal(["3"], Keys(logs, "missing"));
        Assert.True(Entity(root, "logs").GetProperty("extra").GetArrayLength() == 0);

        // The table for people names the same keys.
        var table = CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--entity", "events");
        Assert.Equal(5, table.ExitCode);
        Assert.Contains("tampered", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("1 missing, 1 extra, 3 changed", table.StdOut, StringComparison.Ordinal);

        // A dry run writes nothing.
        var dry = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--all", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("would copy", dry.StdOut, StringComparison.Ordinal);
        Assert.Equal("tampered", Db.Scalar(Target, "SELECT kind FROM events WHERE id = 10"));

        var repair = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--all", "--json");

        Assert.True(repair.ExitCode == 0, repair.ToString());
        var r = JsonDocument.Parse(repair.StdOut).RootElement;
        Assert.True(r.GetProperty("verified").GetBoolean());
        var repairedEvents = Entity(r, "events");
        Assert.Equal(["10", "20", "30", "5"], Keys(repairedEvents, "copied"));
        Assert.Equal(["5000"], Keys(repairedEvents, "deleted"));
        Assert.Equal([uuidOfFirst], Keys(Entity(r, "sessions"), "copied"));
        Assert.Equal(["3"], Keys(Entity(r, "logs"), "copied"));
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "diff", "cutover.yaml").ExitCode);
        Assert.Equal(Db.Rows(Source, "SELECT id, kind, payload, value FROM events ORDER BY id"), Db.Rows(Target, "SELECT id, kind, body, value FROM events ORDER BY id"));

        // Each run left a report, and status lists them.
        var status = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json").StdOut).RootElement;
        var kinds = status.GetProperty("reports").EnumerateArray().Select(x => x.GetProperty("kind").GetString()).ToList();
        Assert.Contains("diff", kinds);
        Assert.Contains("repair", kinds);
        Assert.Contains("verify", kinds);
        var newest = status.GetProperty("reports")[0];
        Assert.True(File.Exists(newest.GetProperty("json").GetString()));
        Assert.True(File.Exists(newest.GetProperty("markdown").GetString()));
        var firstDiff = status.GetProperty("reports").EnumerateArray().Last(x => x.GetProperty("kind").GetString() == "diff");
        Assert.False(firstDiff.GetProperty("ok").GetBoolean());
        Assert.Contains("\"missing\"", File.ReadAllText(firstDiff.GetProperty("json").GetString()!), StringComparison.Ordinal);
    }

    [Fact]
    public void Repair_Keys_CopiesExactlyThoseKeys_AndDeletesOnesGoneFromTheSource()
    {
        Migrate(parents: 10, children: 20, logs: 10);
        Db.Exec(Target, "UPDATE events SET kind = 'a' WHERE id IN (10, 11)");
        Db.Exec(Source, "DELETE FROM events WHERE id = 12");

        var r = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--entity", "events", "--keys", "10,12");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("re-verified 2 keys: all match", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(Db.Scalar(Source, "SELECT kind FROM events WHERE id = 10"), Db.Scalar(Target, "SELECT kind FROM events WHERE id = 10"));
        Assert.Equal("a", Db.Scalar(Target, "SELECT kind FROM events WHERE id = 11"));
        Assert.Equal(0L, Db.Scalar(Target, "SELECT COUNT(*) FROM events WHERE id = 12"));
        var diff = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--entity", "events", "--json").StdOut).RootElement;
        Assert.Equal(["11"], Changed(Entity(diff, "events")).Keys.ToArray());

        var usage = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--keys", "11");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--keys needs --entity", usage.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--entity", "events").ExitCode);
    }

    /// <summary>Starts a verify of events and kills it (SIGKILL) as soon as its chunk record shows a compared chunk: the state it leaves, not a delay.</summary>
    private void KillAtFirstRecordedChunk(string chunks)
    {
        using (var p = Process.Start(CutoverCli.StartInfo(_dir.Path, "verify", "cutover.yaml", "--entity", "events", "--chunk-rows", "2000", "--jobs", "1"))!)
        {
            var clock = Stopwatch.StartNew();
            while (!p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(1) && !File.Exists(chunks))
            {
                Thread.Sleep(1);
            }
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        Assert.True(File.Exists(chunks), "verify finished before it could be killed");
    }

    [Fact]
    public void Verify_KilledBetweenChunks_ResumesFromTheChunksItHadCompared()
    {
        Migrate(parents: 100, children: 1500, logs: 10);
        var chunks = Path.Combine(_dir.Path, ".cutover", "sample", "chunks",
            "events-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("events"u8))[..8] + ".json");

        KillAtFirstRecordedChunk(chunks);
        var recorded = JsonDocument.Parse(File.ReadAllText(chunks)).RootElement.GetProperty("done").EnumerateObject().Count();
        Assert.InRange(recorded, 1, 75);

        var again = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--entity", "events", "--chunk-rows", "2000", "--resume", "--json");

        Assert.True(again.ExitCode == 0, again.ToString());
        var events = Entity(JsonDocument.Parse(again.StdOut).RootElement, "events");
        Assert.Equal(recorded, events.GetProperty("chunks_resumed").GetInt32());
        Assert.Equal(76, events.GetProperty("chunks").GetInt32()); // 75 key ranges and the rows with a NULL key
        Assert.False(File.Exists(chunks), "a finished verify leaves no chunk record");
        // Killed again, then a row changes: without --resume every chunk is compared again, and the change is seen.
        KillAtFirstRecordedChunk(chunks);
        Db.Exec(Target, "UPDATE events SET kind = 'z' WHERE id = 1");
        var third = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--entity", "events", "--chunk-rows", "2000", "--json");
        Assert.Equal(5, third.ExitCode);
        Assert.Equal(0, Entity(JsonDocument.Parse(third.StdOut).RootElement, "events").GetProperty("chunks_resumed").GetInt32());
    }

    [Fact]
    public void Normalizers_JsonKeysReorderedAndALastBitFloat_DifferWithoutThem_MatchWithThem_AndStillNameARealChange()
    {
        Migrate(parents: 10, children: 20, logs: 10);
        var body = (string)Db.Scalar(Target, "SELECT body FROM events WHERE id = 40")!;
        var doc = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        // The same data with the keys in the other order and some whitespace.
        var reordered = "{ " + string.Join(", ", doc.Reverse().Select(kv => $"\"{kv.Key}\": {kv.Value!.ToJsonString()}")) + " }";
        Assert.NotEqual(body, reordered);
        using (var c = Db.Open(Target))
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE events SET body = @b WHERE id = 40";
            cmd.Parameters.AddWithValue("@b", reordered);
            cmd.ExecuteNonQuery();
        }
        BumpLastBit(41);

        var off = JsonDocument.Parse(CutoverCli.Run(_dir.Path, "diff", "cutover.yaml", "--entity", "events", "--json").StdOut).RootElement;
        var changedOff = Changed(Entity(off, "events"));
        Assert.Equal(["40", "41"], changedOff.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["body"], changedOff["40"]);
        Assert.Equal(["value"], changedOff["41"]);

        // With the rules, both are representation only: the entity matches, and verify passes without a repair.
        var plan = File.ReadAllText(_dir.File("cutover.yaml")).Replace(
            "      payload: { rename: body }\n", "      payload: { rename: body }\n    normalize:\n      body: { json: true }\n      value: { float_tolerance: 0.000001 }\n", StringComparison.Ordinal);
        _dir.Write("normalized.yaml", plan.Replace("name: sample", "name: sample", StringComparison.Ordinal));
        var on = CutoverCli.Run(_dir.Path, "diff", "normalized.yaml", "--entity", "events", "--json");
        Assert.True(on.ExitCode == 0, on.ToString());
        var events = Entity(JsonDocument.Parse(on.StdOut).RootElement, "events");
        Assert.Equal(2, events.GetProperty("normalizers").GetArrayLength());
        Assert.True(CutoverCli.Run(_dir.Path, "verify", "normalized.yaml").ExitCode == 0);

        // A real change under the same rules is still named: a JSON value, and a float beyond the tolerance.
        Db.Exec(Target, "UPDATE events SET body = json_set(body, '$.n', 999), value = value + 0.5 WHERE id = 42");
        var real = CutoverCli.Run(_dir.Path, "diff", "normalized.yaml", "--entity", "events", "--json");
        Assert.Equal(5, real.ExitCode);
        var changedOn = Changed(Entity(JsonDocument.Parse(real.StdOut).RootElement, "events"));
        Assert.Equal(["42"], changedOn.Keys.ToArray());
        Assert.Equal(["body", "value"], changedOn["42"]);

        // Without the rules, repair puts back exactly the three rows, and verify passes.
        var repair = CutoverCli.Run(_dir.Path, "repair", "cutover.yaml", "--all", "--json");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Equal(["40", "41", "42"], Keys(Entity(JsonDocument.Parse(repair.StdOut).RootElement, "events"), "copied"));
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "verify", "cutover.yaml").ExitCode);
        Assert.Equal(body, Db.Scalar(Target, "SELECT body FROM events WHERE id = 40"));
    }
}

using System.Text.Json;
using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// <c>cutover audit</c> through the real CLI on SQLite files: a clean migrated target passes; problems injected into the
/// target and the state afterwards are each named, with their keys, and nothing else is.
/// </summary>
public sealed class AuditTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Source => _dir.File("app.db");

    private string Target => _dir.File("app_v2.db");

    private string State => _dir.File(Path.Combine(".cutover", "sample", "state.db"));

    private string Reports => _dir.File(Path.Combine(".cutover", "sample", "reports"));

    public void Dispose() => _dir.Dispose();

    private void Migrate(string extra = "")
    {
        _dir.Write("cutover.yaml", Db.SamplePlan.Replace("batch_size: BATCH", "batch_size: 100" + extra, StringComparison.Ordinal));
        var r = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(r.ExitCode is 0 or 7, r.ToString());
    }

    private sealed record Finding(string Check, string Subject, bool Ok, long Count, string Detail, string[] Samples);

    private static List<Finding> Findings(JsonElement root) => root.GetProperty("findings").EnumerateArray().Select(f => new Finding(
        f.GetProperty("check").GetString()!, f.GetProperty("subject").GetString()!, f.GetProperty("ok").GetBoolean(), f.GetProperty("count").GetInt64(),
        f.GetProperty("detail").GetString()!, f.GetProperty("samples").EnumerateArray().Select(s => s.GetString()!).ToArray())).ToList();

    [Fact]
    public void Audit_CleanMigratedTarget_PassesEveryCheckAndWritesTheReport()
    {
        Db.CreateSample(Source, parents: 30, childrenPerParent: 10, logs: 20);
        Migrate();

        var table = CutoverCli.Run(_dir.Path, "audit", "cutover.yaml");
        var json = CutoverCli.Run(_dir.Path, "audit", "cutover.yaml", "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("", table.StdErr);
        var root = JsonDocument.Parse(json.StdOut).RootElement;
        var findings = Findings(root);
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.All(findings, f => Assert.True(f.Ok, $"{f.Check} {f.Subject}: {f.Detail}"));
        Assert.Equal(
            [
                ("foreign_key", "events (session_id) -> sessions (id)"),
                ("id_map", "sessions: source keys mapped"),
                ("id_map", "sessions: new ids unique"),
                ("id_map", "sessions: target keys in map"),
                ("check", "every session has a ULID"),
                ("check", "no orphan event"),
                ("integrity_check", "sqlite:" + Target),
                ("foreign_key_check", $"sqlite:{Target} (3 tables)"),
            ],
            findings.Select(f => (f.Check, f.Subject)));
        Assert.Equal($"audit: {findings.Count} checks, all passed", table.StdOut.TrimEnd().Split('\n')[^1]);
        Assert.Contains("30 target rows have a new id of the map as key", table.StdOut, StringComparison.Ordinal);
        // Every run leaves a report: JSON (what --json printed, without its own path) and Markdown.
        var report = root.GetProperty("report").GetString()!;
        Assert.True(File.Exists(report), report);
        Assert.StartsWith(Reports, report, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Reports, "*-audit.json").Length);
        Assert.Equal(2, Directory.GetFiles(Reports, "*-audit.md").Length);
        var saved = JsonDocument.Parse(File.ReadAllText(report)).RootElement;
        Assert.Equal("audit", saved.GetProperty("kind").GetString());
        Assert.True(saved.GetProperty("ok").GetBoolean());
        Assert.Equal(findings, Findings(saved.GetProperty("report")));
        Assert.Contains($"audit: {findings.Count} checks, all passed", File.ReadAllText(Path.ChangeExtension(report, ".md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_ProblemsInjectedIntoTargetAndState_NamesExactlyThemWithTheirKeys()
    {
        Db.CreateSample(Source, parents: 30, childrenPerParent: 10, logs: 20);
        // A session whose time cannot be read is recorded as REKEY_FAILED (and its events as FK_UNMAPPED): a known failure, not a hole in the map.
        var failedKey = (string)Db.Scalar(Source, "SELECT id FROM sessions ORDER BY id LIMIT 1 OFFSET 5")!;
        Db.Exec(Source, $"UPDATE sessions SET created_at = 'last tuesday' WHERE id = '{failedKey}'");
        Migrate("\non_error: skip");
        var map = Db.Rows(State, "SELECT old_key, new_key FROM idmap WHERE entity = 'sessions' ORDER BY old_key").Select(r => r.Split('|').Select(c => c[1..]).ToArray()).ToList();
        var (unmappedOld, unmappedNew) = (map[0][0], map[0][1]);
        var duplicated = map[1][1];
        // The id map loses a row, and gives one new id to a second old key (the unique index that prevents it is dropped first).
        Db.Exec(State, $"DELETE FROM idmap WHERE entity = 'sessions' AND old_key = '{unmappedOld}'; DROP INDEX idmap_new; INSERT INTO idmap VALUES ('sessions', 'ghost', '{duplicated}')");
        // The target gains a session whose key is not a new id, and an event whose session does not exist.
        Db.Exec(Target, "PRAGMA foreign_keys = OFF; INSERT INTO sessions (id, project, created_at) VALUES ('not-a-ulid', 'p', '2026-01-01T00:00:00Z'); INSERT INTO events (id, session_id, kind) VALUES (9001, 'nowhere', 'k')");

        var r = CutoverCli.Run(_dir.Path, "audit", "cutover.yaml", "--json");
        var table = CutoverCli.Run(_dir.Path, "audit", "cutover.yaml");

        Assert.True(r.ExitCode == 6, r.ToString());
        var root = JsonDocument.Parse(r.StdOut).RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        var findings = Findings(root);
        var failed = findings.Where(f => !f.Ok).Select(f => (f.Check, f.Subject, f.Count, string.Join(" ", f.Samples))).ToList();
        Assert.Equal(
            [
                ("foreign_key", "events (session_id) -> sessions (id)", 1, "9001"),
                ("id_map", "sessions: source keys mapped", 1, unmappedOld),
                ("id_map", "sessions: new ids unique", 1, duplicated),
                ("id_map", "sessions: target keys in map", 2, unmappedNew + " not-a-ulid"),
                ("check", "every session has a ULID", 1, ""),
                ("check", "no orphan event", 1, ""),
                ("foreign_key_check", $"sqlite:{Target} (3 tables)", 1, "events: 1"),
            ],
            failed);
        var rekeyFailed = Assert.Single(findings, f => f.Subject == "sessions: failed rows");
        Assert.True(rekeyFailed.Ok);
        Assert.Equal([failedKey], rekeyFailed.Samples);
        Assert.Contains(findings, f => f is { Check: "integrity_check", Ok: true });
        Assert.Equal("1 of 29 source rows has no new id (not counting 1 recorded as failed)", findings.Single(f => f.Subject == "sessions: source keys mapped").Detail);
        Assert.Equal("on target: expected 0, got 1", findings.Single(f => f.Subject == "every session has a ULID").Detail);
        // One line on stderr names the first failing check and its count.
        Assert.Equal($"audit: error AUDIT_FAILED: 7 of {findings.Count} checks failed; first: foreign_key events (session_id) -> sessions (id): 1 row points at no sessions row",
            r.StdErr.Trim());
        Assert.True(table.ExitCode == 6, table.ToString());
        Assert.Equal($"audit: 7 of {findings.Count} checks failed", table.StdOut.TrimEnd().Split('\n')[^1]);
        Assert.Contains("not-a-ulid", table.StdOut, StringComparison.Ordinal);
        var md = File.ReadAllText(Path.ChangeExtension(root.GetProperty("report").GetString()!, ".md"));
        Assert.Contains("- **foreign_key** `events (session_id) -> sessions (id)`: 1 row points at no sessions row\n  - samples: `9001`", md, StringComparison.Ordinal);
        Assert.Contains($"  - samples: `{unmappedNew}`, `not-a-ulid`", md, StringComparison.Ordinal);
        Assert.DoesNotContain("integrity_check", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_IndexThatNoLongerMatchesItsTable_IntegrityCheckFailsWithSQLitesMessages()
    {
        Db.CreateSample(Source, parents: 30, childrenPerParent: 10, logs: 20);
        Migrate();
        // A deterministic corruption: the schema now says the index is on another column than the b-tree holds, so every
        // row is "missing from index" for integrity_check, while the file still opens and reads.
        var index = (string)Db.Scalar(Target, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")!;
        Db.Exec(Target, $"PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = 'CREATE INDEX \"{index}\" ON events (kind)' WHERE name = '{index}'; PRAGMA writable_schema = OFF;");

        var r = CutoverCli.Run(_dir.Path, "audit", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 6, r.ToString());
        var integrity = Findings(JsonDocument.Parse(r.StdOut).RootElement).Single(f => f.Check == "integrity_check");
        Assert.False(integrity.Ok);
        Assert.Equal(100, integrity.Count); // capped
        Assert.Equal(100, integrity.Samples.Length);
        Assert.Equal($"row 1 missing from index {index} (and 99 more, listing stopped at 100)", integrity.Detail);
        Assert.Contains($"integrity_check sqlite:{Target}: row 1 missing from index {index}", r.StdErr, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Cutover.Bench;

/// <summary>Row counts and timing of one <see cref="Generator.Generate"/> run.</summary>
internal sealed record GenerateResult(long Sessions, long Agents, long Events, long FileBytes, TimeSpan Elapsed)
{
    public long Total => Sessions + Agents + Events;
}

/// <summary>
/// Writes a deterministic SQLite database of three related tables (sessions ← agents ← events)
/// for benchmarking migrations. The same rows and seed always give the same content: every value
/// comes from a <see cref="DeterministicRandom"/> consumed in a fixed order, and timestamps are
/// offsets from a fixed epoch, never the clock.
/// </summary>
internal sealed class Generator
{
    public const ulong DefaultSeed = 20260105;

    /// <summary>Share of NULLs in nullable columns.</summary>
    private const double NullRate = 0.03;

    /// <summary>Target UTF-8 size of an events.payload JSON object.</summary>
    private const int PayloadBytes = 200;

    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] Projects =
    [
        "billing", "search-ingest", "café-ops", "日本-catalog", "zürich-api", "payments",
        "crm-sync", "señal-mobile", "data-lake", "москва-reports", "growth", "🚀-launch",
    ];

    private static readonly string[] AgentRoles =
        ["planner", "coder", "reviewer", "tester", "researcher", "ドキュメント係", "opérateur", "summarizer"];

    private static readonly string[] Models =
        ["gpt-4o", "claude-sonnet-4", "llama-3.1-70b", "mistral-large", "gemini-2.5-pro", "qwen2.5-coder"];

    private static readonly string[] Kinds =
        ["message", "tool_call", "tool_result", "checkpoint", "handoff", "error"];

    private static readonly string[] Messages =
    [
        "ordered a café au lait",
        "deployed to 日本 region",
        "build green 🚀",
        "résumé parsed, naïve match",
        "Grüße aus Zürich",
        "¿dónde está la tabla?",
        "retry after timeout",
        "Привет, мир",
        "tests passed ✅ 42/42",
        "plain ascii message",
    ];

    private static readonly string[] Tags = ["alpha", "beta", "prod", "staging", "hot", "cold", "β-test", "日本"];

    private const string Filler = "lorem-ipsum-dolor-sit-amet-consectetur-adipiscing-elit-sed-do-eiusmod-tempor-incididunt-ut-labore-et-dolore-magna-aliqua-ut-enim-ad-minim-veniam-quis-nostrud-exercitation-ullamco-laboris-nisi";

    private readonly long _events;
    private readonly long _sessions;
    private readonly long _agents;
    private readonly ulong _seed;
    private readonly StringBuilder _json = new(PayloadBytes * 2);

    public Generator(long rows, ulong seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        _events = rows;
        _sessions = Math.Max(1, rows / 100);
        _agents = Math.Max(1, rows / 20);
        _seed = seed;
    }

    public GenerateResult Generate(string path)
    {
        var clock = Stopwatch.StartNew();
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        foreach (var stale in new[] { full, full + "-journal", full + "-wal", full + "-shm" })
        {
            File.Delete(stale);
        }

        var rng = new DeterministicRandom(_seed);
        var builder = new SqliteConnectionStringBuilder { DataSource = full, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate };
        using (var connection = new SqliteConnection(builder.ToString()))
        {
            connection.Open();
            Execute(connection, null, """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                PRAGMA locking_mode = EXCLUSIVE;
                PRAGMA temp_store = MEMORY;
                PRAGMA cache_size = -65536;
                """);

            using var tx = connection.BeginTransaction();
            Execute(connection, tx, """
                CREATE TABLE sessions (
                    id         TEXT PRIMARY KEY,
                    project    TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    score      REAL
                );
                CREATE TABLE agents (
                    id         INTEGER PRIMARY KEY,
                    session_id TEXT NOT NULL REFERENCES sessions(id),
                    name       TEXT NOT NULL,
                    model      TEXT NULL
                );
                CREATE TABLE events (
                    id       INTEGER PRIMARY KEY,
                    agent_id INTEGER NOT NULL REFERENCES agents(id),
                    kind     TEXT NOT NULL,
                    payload  TEXT,
                    ts       TEXT NOT NULL,
                    value    REAL
                );
                """);

            var sessionIds = new string[_sessions];
            var sessionSeconds = new long[_sessions];
            WriteSessions(connection, tx, rng, sessionIds, sessionSeconds);
            var agentSession = WriteAgents(connection, tx, rng, sessionIds);
            WriteEvents(connection, tx, rng, agentSession, sessionSeconds);

            Execute(connection, tx, """
                CREATE INDEX ix_events_agent_id ON events(agent_id);
                CREATE INDEX ix_events_ts ON events(ts);
                """);
            tx.Commit();
        }

        clock.Stop();
        return new GenerateResult(_sessions, _agents, _events, new FileInfo(full).Length, clock.Elapsed);
    }

    private void WriteSessions(SqliteConnection connection, SqliteTransaction tx, DeterministicRandom rng, string[] ids, long[] seconds)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO sessions (id, project, created_at, score) VALUES ($id, $project, $created_at, $score)";
        var pId = cmd.Parameters.Add("$id", SqliteType.Text);
        var pProject = cmd.Parameters.Add("$project", SqliteType.Text);
        var pCreated = cmd.Parameters.Add("$created_at", SqliteType.Text);
        var pScore = cmd.Parameters.Add("$score", SqliteType.Real);
        cmd.Prepare();

        // Sessions are spread over ~120 days, strictly increasing in time.
        var step = Math.Max(2L, 120L * 86_400 / _sessions);
        var t = 0L;
        for (var i = 0; i < ids.Length; i++)
        {
            t += 1 + rng.Next(2 * step - 1);
            ids[i] = NextUuid(rng);
            seconds[i] = t;
            pId.Value = ids[i];
            pProject.Value = rng.Pick(Projects);
            pCreated.Value = Epoch.AddSeconds(t).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Inv);
            pScore.Value = rng.Chance(NullRate) ? DBNull.Value : Math.Round(rng.NextDouble() * 100, 4);
            cmd.ExecuteNonQuery();
        }
    }

    private int[] WriteAgents(SqliteConnection connection, SqliteTransaction tx, DeterministicRandom rng, string[] sessionIds)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO agents (id, session_id, name, model) VALUES ($id, $session_id, $name, $model)";
        var pId = cmd.Parameters.Add("$id", SqliteType.Integer);
        var pSession = cmd.Parameters.Add("$session_id", SqliteType.Text);
        var pName = cmd.Parameters.Add("$name", SqliteType.Text);
        var pModel = cmd.Parameters.Add("$model", SqliteType.Text);
        cmd.Prepare();

        var agentSession = new int[_agents];
        for (var j = 0; j < agentSession.Length; j++)
        {
            var s = (int)rng.Next(sessionIds.Length);
            agentSession[j] = s;
            pId.Value = j + 1L;
            pSession.Value = sessionIds[s];
            pName.Value = string.Create(Inv, $"{rng.Pick(AgentRoles)}-{j + 1}");
            pModel.Value = rng.Chance(NullRate) ? DBNull.Value : rng.Pick(Models);
            cmd.ExecuteNonQuery();
        }

        return agentSession;
    }

    private void WriteEvents(SqliteConnection connection, SqliteTransaction tx, DeterministicRandom rng, int[] agentSession, long[] sessionSeconds)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO events (id, agent_id, kind, payload, ts, value) VALUES ($id, $agent_id, $kind, $payload, $ts, $value)";
        var pId = cmd.Parameters.Add("$id", SqliteType.Integer);
        var pAgent = cmd.Parameters.Add("$agent_id", SqliteType.Integer);
        var pKind = cmd.Parameters.Add("$kind", SqliteType.Text);
        var pPayload = cmd.Parameters.Add("$payload", SqliteType.Text);
        var pTs = cmd.Parameters.Add("$ts", SqliteType.Text);
        var pValue = cmd.Parameters.Add("$value", SqliteType.Real);
        cmd.Prepare();

        for (var k = 1L; k <= _events; k++)
        {
            var agent = rng.Next(agentSession.Length);
            var kind = rng.Pick(Kinds);
            // Within a day of the owning session's start, millisecond resolution.
            var ms = sessionSeconds[agentSession[agent]] * 1000 + rng.Next(86_400_000);
            pId.Value = k;
            pAgent.Value = agent + 1;
            pKind.Value = kind;
            pPayload.Value = rng.Chance(NullRate) ? DBNull.Value : BuildPayload(rng, k, agent + 1, kind);
            pTs.Value = Epoch.AddMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Inv);
            pValue.Value = rng.Chance(NullRate) ? DBNull.Value : 0.1 + rng.NextDouble();
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>A JSON object of about <see cref="PayloadBytes"/> UTF-8 bytes, with non-ASCII text.</summary>
    private string BuildPayload(DeterministicRandom rng, long seq, long agent, string kind)
    {
        var sb = _json.Clear();
        sb.Append(Inv, $"{{\"seq\":{seq},\"agent\":{agent},\"kind\":\"{kind}\",\"msg\":\"{rng.Pick(Messages)}\",");
        sb.Append(Inv, $"\"tags\":[\"{rng.Pick(Tags)}\",\"{rng.Pick(Tags)}\"],");
        sb.Append(Inv, $"\"latency_ms\":{(rng.NextDouble() * 1000).ToString("R", Inv)},\"ok\":{(rng.Chance(0.9) ? "true" : "false")},\"note\":\"");
        // Pad with ASCII so the whole object is about PayloadBytes long (non-ASCII chars count 2-4 bytes).
        var used = Encoding.UTF8.GetByteCount(sb.ToString()) + 2;
        var pad = Math.Clamp(PayloadBytes - used, 0, Filler.Length);
        var start = (int)rng.Next(Filler.Length - pad + 1);
        sb.Append(Filler, start, pad).Append("\"}");
        return sb.ToString();
    }

    private static string NextUuid(DeterministicRandom rng)
    {
        var hi = rng.NextUInt64();
        var lo = rng.NextUInt64();
        hi = (hi & 0xFFFFFFFFFFFF0FFFUL) | 0x0000000000004000UL; // version 4
        lo = (lo & 0x3FFFFFFFFFFFFFFFUL) | 0x8000000000000000UL; // RFC 4122 variant
        return string.Create(Inv, $"{hi >> 32:x8}-{(hi >> 16) & 0xFFFF:x4}-{hi & 0xFFFF:x4}-{lo >> 48:x4}-{lo & 0xFFFFFFFFFFFFUL:x12}");
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

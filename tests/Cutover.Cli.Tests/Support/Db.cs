using Microsoft.Data.Sqlite;

namespace Cutover.Cli.Tests.Support;

/// <summary>Builds and reads SQLite files for end-to-end tests, with Microsoft.Data.Sqlite directly (not through Cutover).</summary>
public static class Db
{
    public static SqliteConnection Open(string path, bool readOnly = false)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        c.Open();
        return c;
    }

    public static void Exec(string path, string sql)
    {
        using var c = Open(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public static object? Scalar(string path, string sql)
    {
        using var c = Open(path, readOnly: true);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    public static long Count(string path, string table) => (long)Scalar(path, $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"")!;

    /// <summary>Every row as text of (typeof, hex) per column, in the given order: an exact, storage-class-aware fingerprint.</summary>
    /// <summary>One value as the row fingerprints write it: kind and exact value (a double by its bits), for SQLite and PostgreSQL alike.</summary>
    public static string Cell(object value) => value switch
    {
        byte[] b => "x" + Convert.ToHexString(b),
        double d => "r" + BitConverter.DoubleToInt64Bits(d),
        long l => "i" + l,
        int n => "i" + n,
        short n => "i" + n,
        var v => "t" + v,
    };

    public static List<string> Rows(string path, string sql)
    {
        using var c = Open(path, readOnly: true);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
        {
            var cells = new string[r.FieldCount];
            for (var i = 0; i < r.FieldCount; i++)
            {
                cells[i] = r.IsDBNull(i) ? "NULL" : Cell(r.GetValue(i));
            }
            rows.Add(string.Join("|", cells));
        }
        return rows;
    }

    /// <summary>
    /// Rows a running (or killed) migrate of plan <paramref name="plan"/> has copied so far, read from its SQLite state
    /// store; 0 while the state file does not exist yet or is being created. Tests use it to stop a run mid-copy.
    /// </summary>
    public static long RowsCopied(string planDirectory, string plan)
    {
        var state = System.IO.Path.Combine(planDirectory, ".cutover", plan, "state.db");
        if (!File.Exists(state))
        {
            return 0;
        }
        try
        {
            // A table copied in key ranges counts through its ranges while it is split, and through its own row once done.
            return (long)(Scalar(state, """
                SELECT COALESCE(SUM(read), 0) FROM progress p
                WHERE entity NOT LIKE '%#idmap' AND CASE WHEN entity LIKE '%#range%'
                  THEN EXISTS (SELECT 1 FROM progress q WHERE q.run_id = p.run_id AND q.status = 'split' AND p.entity LIKE q.entity || '#range%')
                  ELSE status <> 'split' END
                """) ?? 0L);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    /// <summary>A sample database: <paramref name="parents"/> uuid-keyed sessions, children with foreign keys, and a keyless log table.</summary>
    public static void CreateSample(string path, int parents, int childrenPerParent, int logs)
    {
        using var c = Open(path);
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            CREATE TABLE sessions (id TEXT PRIMARY KEY, project TEXT NOT NULL, created_at TEXT NOT NULL, score REAL);
            CREATE TABLE events (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id), kind TEXT, payload TEXT, value REAL);
            CREATE TABLE logs (line TEXT, level INTEGER);
            CREATE INDEX events_session ON events(session_id);
            """;
        cmd.ExecuteNonQuery();
        var rng = new Random(42);
        cmd.CommandText = "INSERT INTO sessions VALUES (@id, @p, @t, @s)";
        var ids = new string[parents];
        for (var i = 0; i < parents; i++)
        {
            ids[i] = new Guid(i + 1, (short)(i % 7), 0x4000, [1, 2, 3, 4, 5, 6, 7, (byte)(i % 251)]).ToString();
            cmd.Parameters.Clear();
            cmd.Parameters.AddWithValue("@id", ids[i]);
            cmd.Parameters.AddWithValue("@p", "proj-" + (i % 13) + " café");
            cmd.Parameters.AddWithValue("@t", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i * 7).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
            cmd.Parameters.AddWithValue("@s", i % 10 == 0 ? DBNull.Value : rng.NextDouble() + 0.1);
            cmd.ExecuteNonQuery();
        }
        cmd.CommandText = "INSERT INTO events (session_id, kind, payload, value) VALUES (@s, @k, @p, @v)";
        for (var i = 0; i < parents * childrenPerParent; i++)
        {
            cmd.Parameters.Clear();
            cmd.Parameters.AddWithValue("@s", ids[i % parents]);
            cmd.Parameters.AddWithValue("@k", "kind" + (i % 5));
            cmd.Parameters.AddWithValue("@p", $"{{\"n\":{i},\"text\":\"日本 ✓ {i}\"}}");
            cmd.Parameters.AddWithValue("@v", rng.NextDouble() * 1000);
            cmd.ExecuteNonQuery();
        }
        cmd.CommandText = "INSERT INTO logs VALUES (@l, @v)";
        for (var i = 0; i < logs; i++)
        {
            cmd.Parameters.Clear();
            cmd.Parameters.AddWithValue("@l", "line " + (i % 50));
            cmd.Parameters.AddWithValue("@v", i % 3);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>
    /// <see cref="SamplePlan"/> in batches of 100 into <paramref name="target"/> (a store URI), with <paramref name="insteadOfLogs"/>
    /// (entity lines, or "") where the plan has its <c>logs</c> entity.
    /// </summary>
    public static string SamplePlanInto(string target, string insteadOfLogs) => SamplePlan
        .Replace("BATCH", "100", StringComparison.Ordinal)
        .Replace("target: sqlite:./app_v2.db", $"target: '{target}'", StringComparison.Ordinal)
        .Replace("  - table: logs\n", insteadOfLogs, StringComparison.Ordinal);

    public const string SamplePlan = """
        name: sample
        source: sqlite:./app.db
        target: sqlite:./app_v2.db
        batch_size: BATCH
        entities:
          - table: sessions
            key: id
            rekey: { to: ulid, time_from: created_at }
          - table: events
            key: id
            references: { session_id: sessions }
            columns:
              payload: { rename: body }
          - table: logs
        checks:
          - name: every session has a ULID
            sql: SELECT COUNT(*) FROM sessions WHERE LENGTH(id) <> 26
            expect: 0
          - name: no orphan event
            sql: SELECT COUNT(*) FROM events e LEFT JOIN sessions s ON s.id = e.session_id WHERE s.id IS NULL
            expect: 0
        """;
}

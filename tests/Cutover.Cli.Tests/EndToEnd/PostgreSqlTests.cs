using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// The real CLI against the throwaway PostgreSQL 15 (scripts/test.sh): SQLite to PostgreSQL and back, kill -9 and
/// resume, dry runs, and no password in any output. Each test works in a database of its own, dropped afterwards.
/// </summary>
public sealed class PostgreSqlTests : IDisposable
{
    private const string EventsSqlite = "SELECT e.id, s.created_at, e.kind, e.payload, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id";
    private const string EventsPg = "SELECT e.id, s.created_at, e.kind, e.body, e.value FROM events e JOIN sessions s ON s.id = e.session_id ORDER BY e.id";

    private readonly TempDir _dir = new();
    private readonly Pg _pg = new();

    public void Dispose()
    {
        _pg.Dispose();
        _dir.Dispose();
    }

    private string Source => _dir.File("app.db");

    /// <summary>The sample without its keyless log table (rowid-keyed tables cannot go to PostgreSQL yet).</summary>
    private void CreateSample(int parents, int childrenPerParent)
    {
        Db.CreateSample(Source, parents, childrenPerParent, logs: 0);
        Db.Exec(Source, "DROP TABLE logs");
    }

    private void WritePlan(int batch) => _dir.Write("cutover.yaml", Db.SamplePlan
        .Replace("BATCH", batch.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("target: sqlite:./app_v2.db", $"target: '{_pg.Uri}'", StringComparison.Ordinal)
        .Replace("  - table: logs\n", "", StringComparison.Ordinal));

    private void AssertSampleCopied(int parents, int children)
    {
        Assert.Equal(parents, _pg.Count("sessions"));
        Assert.Equal((long)parents * children, _pg.Count("events"));
        Assert.Equal(0L, Convert.ToInt64(_pg.Scalar("SELECT COUNT(*) FROM sessions WHERE LENGTH(id) <> 26")));
        Assert.Equal(0L, Convert.ToInt64(_pg.Scalar("SELECT COUNT(*) FROM (SELECT id FROM sessions GROUP BY id HAVING COUNT(*) > 1) d")));
        // Every child follows its parent to the new key: joined rows read the same as in the source.
        Assert.Equal(Db.Rows(Source, EventsSqlite), _pg.Rows(EventsPg));
    }

    [Fact]
    public void Migrate_SqliteToPostgres_RekeysParentsAndRewritesForeignKeys()
    {
        CreateSample(parents: 300, childrenPerParent: 5);
        WritePlan(batch: 100);

        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        AssertSampleCopied(300, 5);
        Assert.Equal(["events", "sessions"], _pg.Tables());
        // The foreign key exists in PostgreSQL and holds.
        Assert.Equal(1L, Convert.ToInt64(_pg.Scalar("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'events'::regclass")));
    }

    [Fact]
    public void Migrate_PasswordFromPgpasswordOnly_ConnectsAndBacksUp()
    {
        CreateSample(parents: 20, childrenPerParent: 2);
        var withoutPassword = _pg.Uri.Replace(":" + _pg.EncodedPassword + "@", "@", StringComparison.Ordinal);
        Assert.DoesNotContain(_pg.EncodedPassword, withoutPassword, StringComparison.Ordinal);
        _dir.Write("cutover.yaml", Db.SamplePlan
            .Replace("BATCH", "100", StringComparison.Ordinal)
            .Replace("target: sqlite:./app_v2.db", $"target: '{withoutPassword}'", StringComparison.Ordinal)
            .Replace("  - table: logs\n", "", StringComparison.Ordinal));

        var r = CutoverCli.RunWithEnvironment(_dir.Path, new Dictionary<string, string> { ["PGPASSWORD"] = _pg.Password }, "migrate", "cutover.yaml");

        Assert.True(r.ExitCode == 0, r.ToString());
        AssertSampleCopied(20, 2);
        Assert.DoesNotContain(_pg.Password, r.StdOut + r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void NoOutput_EverShowsThePassword()
    {
        CreateSample(parents: 20, childrenPerParent: 3);
        WritePlan(batch: 10);
        var runs = new List<(string What, CliResult Result)>
        {
            ("plan", CutoverCli.Run(_dir.Path, "plan", "cutover.yaml")),
            ("dry-run", CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--dry-run")),
            ("dry-run json", CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--dry-run", "--json")),
            ("migrate", CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml")),
            ("migrate json", CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--json")),
            ("status", CutoverCli.Run(_dir.Path, "status", "cutover.yaml")),
            ("status json", CutoverCli.Run(_dir.Path, "status", "cutover.yaml", "--json")),
            ("verify", CutoverCli.Run(_dir.Path, "verify", "cutover.yaml")),
            ("backups", CutoverCli.Run(_dir.Path, "backup", "list", "cutover.yaml")),
        };
        Assert.True(runs[3].Result.ExitCode == 0, runs[3].Result.ToString());

        // Errors: a database that does not exist, a wrong password, a table that is not there.
        var missingDb = _pg.Uri[..(_pg.Uri.LastIndexOf('/') + 1)] + "cutover_no_such_db";
        _dir.Write("missing.yaml", File.ReadAllText(_dir.File("cutover.yaml")).Replace(_pg.Uri, missingDb, StringComparison.Ordinal).Replace("name: sample", "name: missing", StringComparison.Ordinal));
        runs.Add(("unreachable", CutoverCli.Run(_dir.Path, "migrate", "missing.yaml")));
        runs.Add(("unreachable json", CutoverCli.Run(_dir.Path, "migrate", "missing.yaml", "--json")));
        runs.Add(("unreachable dry-run", CutoverCli.Run(_dir.Path, "migrate", "missing.yaml", "--dry-run")));
        _dir.Write("reversed.yaml", $"""
            name: reversed
            source: '{_pg.Uri}'
            target: sqlite:./back.db
            entities:
              - table: no_such_table
            """);
        runs.Add(("bad table", CutoverCli.Run(_dir.Path, "migrate", "reversed.yaml")));
        runs.Add(("bad table plan", CutoverCli.Run(_dir.Path, "plan", "reversed.yaml")));
        runs.Add(("init", CutoverCli.Run(_dir.Path, "init", "--source", missingDb, "--target", "sqlite:./x.db")));

        Assert.NotEqual(0, runs[^6].Result.ExitCode);
        Assert.NotEqual(0, runs[^3].Result.ExitCode);
        var secrets = new[] { _pg.Password, _pg.EncodedPassword, Uri.EscapeDataString(_pg.Password) }.Distinct().ToList();
        foreach (var (what, result) in runs)
        {
            foreach (var secret in secrets)
            {
                Assert.False(result.StdOut.Contains(secret, StringComparison.Ordinal) || result.StdErr.Contains(secret, StringComparison.Ordinal),
                    $"{what} printed the password:\n{result}");
            }
        }
        foreach (var log in Directory.GetFiles(_dir.File(".cutover"), "*.log", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(log);
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{log} holds the password");
            }
        }
        Assert.Contains("***", runs[1].Result.StdOut, StringComparison.Ordinal);
    }

    /// <summary>One job; and three jobs with events (200,000 rows) cut into key ranges, each range resuming from its own checkpoint.</summary>
    [Theory]
    [InlineData("1", 0)]
    [InlineData("3", 12)]
    public void Migrate_KilledDuringCopyToPostgres_ResumesToExactRows(string jobs, int ranges)
    {
        CreateSample(parents: 2000, childrenPerParent: 100);
        WritePlan(batch: 1000);
        const long total = 2000 + 200_000;
        string[] args = ["migrate", "cutover.yaml", "--jobs", jobs, "--split-larger-than", "20000"];

        var killedMidCopy = CutoverCli.KillDuringCopy(_dir.Path, args, "sample", total, [0.2, 0.6]);

        var final = CutoverCli.Run(_dir.Path, args);

        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.True(killedMidCopy >= 1, "no kill landed during the copy");
        AssertSampleCopied(2000, 100);
        Assert.Equal(ranges, Convert.ToInt32(Db.Scalar(_dir.File(".cutover/sample/state.db"), "SELECT COUNT(*) FROM progress WHERE entity LIKE 'events#range%'")));
        Assert.Equal(2000L * 100, Convert.ToInt64(Db.Scalar(_dir.File(".cutover/sample/state.db"), "SELECT written FROM progress WHERE entity = 'events'")));
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    /// <summary>Parallel verification cuts both sides into key ranges (source ids, target ULIDs): the sums must equal the whole.</summary>
    [Fact]
    public void Verify_InParallelKeyRanges_GivesTheSameChecksums_AndCatchesAChangedValue()
    {
        CreateSample(parents: 400, childrenPerParent: 10);
        WritePlan(batch: 500);
        Assert.Equal(0, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--jobs", "1").ExitCode);

        var one = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--jobs", "1", "--json");
        var many = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--jobs", "3", "--split-larger-than", "300", "--json");
        _pg.Exec("UPDATE events SET value = value + 1e-9 WHERE id = (SELECT MAX(id) FROM events)");
        var tampered = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--jobs", "3", "--split-larger-than", "300", "--json");

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(many.ExitCode == 0, many.ToString());
        string Sums(CliResult r) => string.Join(",", System.Text.Json.JsonDocument.Parse(r.StdOut).RootElement.GetProperty("entities").EnumerateArray()
            .Select(e => $"{e.GetProperty("entity").GetString()}:{e.GetProperty("source_rows")}:{e.GetProperty("source_checksum").GetString()}:{e.GetProperty("target_checksum").GetString()}"));
        Assert.Equal(Sums(one), Sums(many));
        Assert.Contains("events:4000:", Sums(many), StringComparison.Ordinal);
        Assert.Equal(5, tampered.ExitCode);
        Assert.Contains("CHECKSUM_MISMATCH", tampered.StdErr, StringComparison.Ordinal);
        Assert.Equal("events", System.Text.Json.JsonDocument.Parse(tampered.StdOut).RootElement.GetProperty("differing")[0].GetString());
    }

    [Fact]
    public void Migrate_PostgresToSqlite_CompositeKeyAndEveryBasicType()
    {
        _pg.Exec("""
            CREATE TABLE readings (site text NOT NULL, seq bigint NOT NULL, value double precision, note text, raw bytea, PRIMARY KEY (site, seq));
            INSERT INTO readings
              SELECT 'site-' || (g % 7), g, g * 1.25 + 0.1, CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g || ' café ✓' END,
                     CASE WHEN g % 3 = 0 THEN NULL ELSE decode(lpad(to_hex(g), 8, '0'), 'hex') END
              FROM generate_series(1, 2500) g;
            INSERT INTO readings VALUES ('edge', -9223372036854775808, 1.7976931348623157e308, '', '\x00ff'), ('edge', 9223372036854775807, -0.0, NULL, '\x');
            """);
        _dir.Write("back.yaml", $"""
            name: back
            source: '{_pg.Uri}'
            target: sqlite:./back.db
            batch_size: 300
            entities:
              - table: readings
                key: [site, seq]
            """);

        var migrate = CutoverCli.Run(_dir.Path, "migrate", "back.yaml");
        var verify = CutoverCli.Run(_dir.Path, "verify", "back.yaml");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var target = _dir.File("back.db");
        Assert.Equal(2502, Db.Count(target, "readings"));
        Assert.Equal(
            _pg.Rows("SELECT site, seq, value, note, raw FROM readings ORDER BY site COLLATE \"C\", seq"),
            Db.Rows(target, "SELECT site, seq, value, note, raw FROM readings ORDER BY site, seq"));
    }

    [Fact]
    public void DryRun_AgainstPostgres_CreatesNoTables()
    {
        CreateSample(parents: 10, childrenPerParent: 3);
        WritePlan(batch: 100);

        var dry = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml", "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("nothing was written", dry.StdOut, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE", dry.StdOut, StringComparison.Ordinal);
        Assert.Empty(_pg.Tables());
        Assert.False(Directory.Exists(_dir.File(".cutover")));
    }

    /// <summary>Tables, columns, indexes, constraints and sequences of the public schema, to compare before and after.</summary>
    private List<string> Shape() => _pg.Rows("""
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
          FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
          WHERE connamespace = 'public'::regnamespace AND conrelid <> 0
        UNION ALL SELECT 'sequence ' || sequencename || ' ' || coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'
        ORDER BY 1
        """);

    [Fact]
    public void Rollback_PostgresTarget_PutsBackReplacedTableAndRemovesNewOnes()
    {
        CreateSample(parents: 50, childrenPerParent: 4);
        _pg.Exec("""
            CREATE TABLE sessions (id serial PRIMARY KEY, note text NOT NULL UNIQUE CHECK (note <> ''), at date DEFAULT '2020-01-01');
            CREATE INDEX sessions_at ON sessions (at DESC);
            INSERT INTO sessions (note) SELECT 'old ' || g FROM generate_series(1, 40) g;
            CREATE TABLE unrelated (k text PRIMARY KEY, v bytea);
            INSERT INTO unrelated SELECT 'k' || g, decode(repeat('cd', 1000), 'hex') FROM generate_series(1, 3000) g;
            """);
        var before = _pg.Rows("SELECT id, note, at FROM sessions ORDER BY id");
        var shape = Shape();
        var unrelated = _pg.Rows("SELECT k, v FROM unrelated ORDER BY k");
        var unrelatedOid = _pg.Scalar("SELECT 'unrelated'::regclass::oid");
        WritePlan(batch: 50);
        File.AppendAllText(_dir.File("cutover.yaml"), "\nif_exists: replace\n");

        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.DoesNotContain("cannot be backed up", migrate.StdOut + migrate.StdErr, StringComparison.Ordinal);
        AssertSampleCopied(50, 4);
        var backups = CutoverCli.Run(_dir.Path, "backup", "verify", "cutover.yaml");
        Assert.True(backups.ExitCode == 0, backups.ToString());
        // The target backup holds sessions (which the run replaced) and nothing else: not the 3 MB of unrelated rows.
        using (var list = System.Text.Json.JsonDocument.Parse(CutoverCli.Run(_dir.Path, "backup", "list", "cutover.yaml", "--json").StdOut))
        {
            var target = list.RootElement.EnumerateArray().Single(b => b.GetProperty("role").GetString() == "target");
            Assert.Equal(["sessions"], target.GetProperty("tables").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(["events"], target.GetProperty("new_tables").EnumerateArray().Select(t => t.GetString()));
            Assert.InRange(target.GetProperty("bytes").GetInt64(), 1, 64 * 1024);
            Assert.EndsWith(".pgdump", target.GetProperty("path").GetString(), StringComparison.Ordinal);
        }
        var dry = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml", "--dry-run");
        Assert.Contains("would drop table events from target", dry.StdOut, StringComparison.Ordinal);
        Assert.Contains("restore table sessions of target", dry.StdOut, StringComparison.Ordinal);

        var rollback = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(["sessions", "unrelated"], _pg.Tables());
        Assert.Equal(before, _pg.Rows("SELECT id, note, at FROM sessions ORDER BY id"));
        Assert.Equal(shape, Shape());
        Assert.Equal(unrelated, _pg.Rows("SELECT k, v FROM unrelated ORDER BY k"));
        Assert.Equal(unrelatedOid, _pg.Scalar("SELECT 'unrelated'::regclass::oid"));
        // The next migrate starts afresh and succeeds again.
        var again = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(again.ExitCode == 0, again.ToString());
        AssertSampleCopied(50, 4);
    }

    [Fact]
    public void Migrate_PostgresSource_IsRecordedNotDumped_AndRollbackLeavesIt()
    {
        _pg.Exec("""
            CREATE TABLE items (id bigint PRIMARY KEY, name text);
            INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g;
            """);
        _dir.Write("back.yaml", $"""
            name: back
            source: '{_pg.Uri}'
            target: sqlite:./back.db
            entities:
              - table: items
            """);

        var dry = CutoverCli.Run(_dir.Path, "migrate", "back.yaml", "--dry-run");
        var migrate = CutoverCli.Run(_dir.Path, "migrate", "back.yaml");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("backups (backup: all):", dry.StdOut, StringComparison.Ordinal);
        Assert.Contains("not backed up: a PostgreSQL source is only read", dry.StdOut, StringComparison.Ordinal);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("not backed up: a PostgreSQL source is only read", migrate.StdOut + migrate.StdErr, StringComparison.Ordinal);
        // Nothing was dumped (the SQLite target did not exist, so it needed no backup either).
        Assert.False(Directory.Exists(_dir.File(".cutover/back/backups")) && Directory.EnumerateFiles(_dir.File(".cutover/back/backups")).Any());
        using (var list = System.Text.Json.JsonDocument.Parse(CutoverCli.Run(_dir.Path, "backup", "list", "back.yaml", "--json").StdOut))
        {
            var source = list.RootElement.EnumerateArray().Single(b => b.GetProperty("role").GetString() == "source");
            Assert.Equal("", source.GetProperty("path").GetString());
            Assert.StartsWith("a PostgreSQL source is only read", source.GetProperty("skipped").GetString(), StringComparison.Ordinal);
        }
        var verify = CutoverCli.Run(_dir.Path, "backup", "verify", "back.yaml");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("not taken", verify.StdOut, StringComparison.Ordinal);

        var rollback = CutoverCli.Run(_dir.Path, "rollback", "back.yaml");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains("source left as it is", rollback.StdOut, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("back.db")));
        Assert.Equal(500, _pg.Count("items"));
    }

    [Fact]
    public void Rollback_BackupNone_PostgresTarget_DropsTheRunsTablesAndNothingElse()
    {
        CreateSample(parents: 20, childrenPerParent: 3);
        _pg.Exec("CREATE TABLE unrelated (k int PRIMARY KEY); INSERT INTO unrelated VALUES (1), (2), (3);");
        WritePlan(batch: 50);
        File.AppendAllText(_dir.File("cutover.yaml"), "\nbackup: none\n");

        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Equal(["events", "sessions", "unrelated"], _pg.Tables());
        Assert.False(Directory.Exists(_dir.File(".cutover/sample/backups")) && Directory.EnumerateFiles(_dir.File(".cutover/sample/backups")).Any());

        var rollback = CutoverCli.Run(_dir.Path, "rollback", "cutover.yaml");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(["unrelated"], _pg.Tables());
        Assert.Equal(3, _pg.Count("unrelated"));
    }
}

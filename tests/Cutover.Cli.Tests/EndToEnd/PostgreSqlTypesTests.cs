using Cutover.Cli.Tests.Support;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// The real CLI moving typed columns between SQLite and the throwaway PostgreSQL 15: the plan's dates, JSON and booleans,
/// a keyless (rowid) table, PostgreSQL's own types back to SQLite and to PostgreSQL, and verify comparing like with like,
/// down to a float rounded to float4 behind Cutover's back.
/// </summary>
public sealed class PostgreSqlTypesTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Pg _pg = new();

    public void Dispose()
    {
        _pg.Dispose();
        _dir.Dispose();
    }

    private string Source => _dir.File("app.db");

    private void CreateTypedSqlite()
    {
        Db.Exec(Source, """
            CREATE TABLE events (
              id INTEGER PRIMARY KEY,
              created_at DATETIME NOT NULL,
              day DATE,
              created_ms INTEGER,
              payload JSON,
              active BOOLEAN NOT NULL DEFAULT 1,
              score REAL
            );
            INSERT INTO events VALUES
              (1, '2024-05-01 14:34:56.123456+02:00', '2024-05-01', 1714566896789, '{ "b": [1, 2.50], "a": "é", "a": null }', 1, 0.1),
              (2, '2024-05-01T12:00:00Z', NULL, NULL, '7', 0, 1.0000000000000002),
              (3, '1969-07-20 20:17:40', '1969-07-20', -14182940000, '[]', 1, -0.0),
              (4, '05/01/2024', '2024-05-01', 0, '{}', 1, 2.5),
              (5, '2024-05-01 12:00', '2024-02-30', 0, '{"k": 1}', 0, NULL),
              (6, '2024-05-01 12:00', '2024-05-01', 0, '{"k": ', 1, 3.25);
            CREATE TABLE logs (line TEXT, level INTEGER);
            INSERT INTO logs VALUES ('start', 1), ('run', 2), (NULL, NULL), ('start', 1);
            DELETE FROM logs WHERE rowid = 2;
            """);
        _dir.Write("cutover.yaml", $"""
            name: typed
            source: sqlite:./app.db
            target: '{_pg.Uri}'
            on_error: skip
            types: {'{'} dates: iso, json: jsonb, booleans: boolean {'}'}
            entities:
              - table: events
                key: id
                columns:
                  created_ms: {'{'} dates: epoch_ms {'}'}
              - table: logs
            """);
    }

    [Fact]
    public void Migrate_SqliteToPostgres_DatesIsoJsonbBooleans_VerifiesAndCatchesAFloat4Rounding()
    {
        CreateTypedSqlite();

        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        var verify = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml", "--json");

        // Rows 4, 5 and 6 hold a date that is not ISO, a day that does not exist and broken JSON: refused with key and reason.
        Assert.True(migrate.ExitCode == 7, migrate.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("\"match\": true", verify.StdOut, StringComparison.Ordinal);
        var status = CutoverCli.Run(_dir.Path, "status", "cutover.yaml");
        Assert.Contains("created_at: '05/01/2024' is not ISO-8601", status.StdOut + migrate.StdOut + migrate.StdErr, StringComparison.Ordinal);
        Assert.Equal(
            ["id:bigint", "created_at:timestamp with time zone", "day:date", "created_ms:timestamp with time zone", "payload:jsonb", "active:boolean", "score:double precision"],
            _pg.Rows("SELECT attname || ':' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'events'::regclass AND attnum > 0 ORDER BY attnum")
                .Select(r => r[1..]));
        Assert.Equal(
            [
                "i1|t2024-05-01 12:34:56.123456+00|t2024-05-01|t2024-05-01 12:34:56.789+00|t{\"a\": null, \"b\": [1, 2.50]}|ttrue",
                "i2|t2024-05-01 12:00:00+00|NULL|NULL|t7|tfalse",
                "i3|t1969-07-20 20:17:40+00|t1969-07-20|t1969-07-20 20:17:40+00|t[]|ttrue",
            ],
            _pg.Rows("SET TimeZone = 'UTC'; SELECT id, created_at::text, day::text, created_ms::text, payload::text, active::text FROM events ORDER BY id"));
        Assert.Equal(Db.Rows(Source, "SELECT score FROM events WHERE id <= 3 ORDER BY id"), _pg.Rows("SELECT score FROM events ORDER BY id"));
        // The keyless table: each row keeps its SQLite rowid, in the rowid column.
        Assert.Equal(Db.Rows(Source, "SELECT rowid, line, level FROM logs ORDER BY rowid"), _pg.Rows("SELECT rowid, line, level FROM logs ORDER BY rowid"));

        // Behind Cutover's back: one double rounded to float4 and stored again as a double.
        _pg.Exec("UPDATE events SET score = score::real WHERE id = 1");
        Assert.NotEqual(Db.Rows(Source, "SELECT score FROM events WHERE id = 1"), _pg.Rows("SELECT score FROM events WHERE id = 1"));
        var tampered = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");

        Assert.True(tampered.ExitCode == 5, tampered.ToString());
        Assert.Contains("error CHECKSUM_MISMATCH", tampered.StdErr, StringComparison.Ordinal);
        Assert.Contains("events (same row count but contents differ (checksum))", tampered.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("logs (", tampered.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_JsonbNormalisedOrInstantShifted_MatchesOnlyWhenTheValueIsTheSame()
    {
        CreateTypedSqlite();
        Assert.Equal(7, CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml").ExitCode);

        // The same JSON value written another way, and the same instant written in another zone: still equal.
        _pg.Exec("""
            UPDATE events SET payload = '{"b": [1.0, 2.500], "a": null}'::jsonb WHERE id = 1;
            UPDATE events SET created_at = '2024-05-01 21:00:00+09' WHERE id = 2;
            """);
        var same = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");
        _pg.Exec("UPDATE events SET created_at = created_at + interval '1 microsecond' WHERE id = 3");
        var shifted = CutoverCli.Run(_dir.Path, "verify", "cutover.yaml");

        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.True(shifted.ExitCode == 5, shifted.ToString());
        Assert.Contains("CHECKSUM_MISMATCH", shifted.StdErr, StringComparison.Ordinal);
    }

    private void CreatePostgresTypes() => _pg.Exec("""
        CREATE TABLE things (
          id integer PRIMARY KEY,
          price numeric(10,2),
          big numeric,
          at timestamptz,
          day date,
          active boolean,
          doc jsonb,
          uid uuid,
          raw bytea,
          note text,
          code varchar(8),
          local timestamp,
          ratio real,
          span interval
        );
        INSERT INTO things VALUES
          (1, 12.50, 123456789012345678901234567890.000000000000000000001, '2024-05-01 12:34:56.123456+00', '2024-05-01', true,
           '{"b": [1, 2.50], "a": "é"}', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '\x00ff', 'héllo', 'abc', '2024-05-01 12:00:00', 1.1, '1 day 02:00'),
          (2, -0.01, 'NaN', 'infinity', '-infinity', false, '7', NULL, '\x', '', NULL, NULL, NULL, NULL),
          (3, NULL, 0, '0044-03-15 12:00:00+00 BC', '0044-03-15 BC', NULL, 'null', NULL, NULL, NULL, NULL, NULL, '-0', NULL);
        """);

    [Fact]
    public void Migrate_PostgresToSqlite_TypedColumnsInDocumentedForms_Verifies()
    {
        CreatePostgresTypes();
        _dir.Write("back.yaml", $"""
            name: back
            source: '{_pg.Uri}'
            target: sqlite:./back.db
            entities:
              - table: things
            """);

        var migrate = CutoverCli.Run(_dir.Path, "migrate", "back.yaml");
        var verify = CutoverCli.Run(_dir.Path, "verify", "back.yaml");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var target = _dir.File("back.db");
        Assert.Equal(
            string.Join("\n",
            [
                "i1|t12.50|t123456789012345678901234567890.000000000000000000001|t2024-05-01T12:34:56.123456Z|t2024-05-01|i1|t{\"a\": \"é\", \"b\": [1, 2.50]}|ta0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11|x00FF|théllo|tabc|t2024-05-01 12:00:00|r4607632778870128640|t1 day 02:00:00",
                "i2|t-0.01|tNaN|tinfinity|t-infinity|i0|t7|NULL|x|t|NULL|NULL|NULL|NULL",
                "i3|NULL|t0|t-0043-03-15T12:00:00.000000Z|t-0043-03-15|NULL|tnull|NULL|NULL|NULL|NULL|NULL|r0|NULL",
            ]),
            string.Join("\n", Db.Rows(target, "SELECT * FROM things ORDER BY id")));
        Assert.Equal(4607632778870128640, BitConverter.DoubleToInt64Bits((double)1.1f)); // the float4 1.1, widened exactly
        // PostgreSQL held -0.0; a SQLite REAL column stores it as 0.0, and verify (above) expects exactly that.
        Assert.Equal(["r-9223372036854775808"], _pg.Rows("SELECT ratio::float8 FROM things WHERE id = 3"));
        var schema = (string)Db.Scalar(target, "SELECT sql FROM sqlite_schema WHERE name = 'things'")!;
        Assert.Contains("\"price\" TEXT", schema, StringComparison.Ordinal);
        Assert.Contains("\"doc\" TEXT", schema, StringComparison.Ordinal);
        Assert.Contains("\"at\" timestamp with time zone", schema, StringComparison.Ordinal);
        Assert.Contains("\"uid\" uuid", schema, StringComparison.Ordinal);

        // A changed decimal in the SQLite copy is a difference.
        Db.Exec(target, "UPDATE things SET price = '12.51' WHERE id = 1");
        var tampered = CutoverCli.Run(_dir.Path, "verify", "back.yaml");
        Assert.True(tampered.ExitCode == 5, tampered.ToString());
    }

    [Fact]
    public void Migrate_PostgresToPostgres_KeepsEveryTypeAndVerifies()
    {
        CreatePostgresTypes();
        using var target = new Pg();
        _dir.Write("pg.yaml", $"""
            name: pg2pg
            source: '{_pg.Uri}'
            target: '{target.Uri}'
            entities:
              - table: things
            """);

        var migrate = CutoverCli.Run(_dir.Path, "migrate", "pg.yaml");
        var verify = CutoverCli.Run(_dir.Path, "verify", "pg.yaml");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        const string Types = "SELECT attname || ':' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'things'::regclass AND attnum > 0 ORDER BY attnum";
        Assert.Equal(_pg.Rows(Types), target.Rows(Types));
        const string Values = "SET TimeZone = 'UTC'; SELECT id, price::text, big::text, at::text, day::text, active, doc::text, uid::text, raw, note, code, local::text, ratio, span::text FROM things ORDER BY id";
        Assert.Equal(string.Join("\n", _pg.Rows(Values)), string.Join("\n", target.Rows(Values)));

        target.Exec("UPDATE things SET doc = '{\"a\": \"é\", \"b\": [1, 2.5, 3]}' WHERE id = 1");
        var tampered = CutoverCli.Run(_dir.Path, "verify", "pg.yaml");
        Assert.True(tampered.ExitCode == 5, tampered.ToString());
    }
}

using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Schema;
using Cutover.Values;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>Typed values against a real server: what PostgreSQL types hold them, how they are read, rowid tables.</summary>
public sealed class PostgreSqlTypedValuesTests : StoreTestBase
{
    private static TargetTable Table(string name, IReadOnlyList<string> key, params TargetColumn[] columns) =>
        new(name, columns, key, KeyIsRowid: key is ["rowid"], WithoutRowid: false, AutoIncrement: false, ForeignKeys: [], Indexes: []) { };

    private static async Task<List<object?[]>> ReadAsync(ISourceStore store, ReadRequest request)
    {
        var rows = new List<object?[]>();
        await foreach (var r in store.ReadAsync(request, CancellationToken.None))
        {
            rows.Add(r);
        }
        return rows;
    }

    private async Task<List<string>> ColumnTypesAsync(string table)
    {
        await using var conn = await TestDatabases.OpenAsync(DatabaseUri);
        await using var cmd = new NpgsqlCommand("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = @t::regclass AND attnum > 0 ORDER BY attnum", conn);
        cmd.Parameters.AddWithValue("t", table);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(r.GetString(0));
        }
        return list;
    }

    private static Timestamp Iso(string s) => Timestamp.TryParseIso(s, out var t, out var why) ? t : throw new FormatException(why);

    [Fact]
    public async Task CreateTable_ConvertedColumns_GetTimestamptzDateJsonbBoolean()
    {
        var table = Table("ev", ["id"],
            new TargetColumn("id", "INTEGER", true, null),
            new TargetColumn("at", "DATETIME", false, "CURRENT_TIMESTAMP") { Kind = ColumnKind.Timestamp },
            new TargetColumn("ms", "INTEGER", false, null) { Kind = ColumnKind.Timestamp },
            new TargetColumn("day", "DATE", false, null) { Kind = ColumnKind.Date },
            new TargetColumn("meta", "JSON", false, null) { Kind = ColumnKind.Json },
            new TargetColumn("done", "INTEGER", false, "0") { Kind = ColumnKind.Boolean },
            new TargetColumn("flag", "BOOLEAN", false, null) { Kind = ColumnKind.Integer });
        var target = await TargetAsync();

        await target.CreateTableAsync(table, false, CancellationToken.None);

        Assert.Equal(["bigint", "timestamp with time zone", "timestamp with time zone", "date", "jsonb", "boolean", "bigint"], await ColumnTypesAsync("ev"));
        Assert.Contains("\"at\" timestamptz DEFAULT CURRENT_TIMESTAMP", target.DescribeCreate(table), StringComparison.Ordinal);
        Assert.Contains("\"done\" boolean DEFAULT false", target.DescribeCreate(table), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAndRead_TypedValues_ComeBackExactlyWithPostgresMeaning()
    {
        var table = Table("ev", ["id"],
            new TargetColumn("id", "INTEGER", true, null),
            new TargetColumn("at", "DATETIME", false, null) { Kind = ColumnKind.Timestamp },
            new TargetColumn("day", "DATE", false, null) { Kind = ColumnKind.Date },
            new TargetColumn("meta", "JSON", false, null) { Kind = ColumnKind.Json });
        var target = await TargetAsync();
        await target.CreateTableAsync(table, false, CancellationToken.None);
        var json = Json.Parse("{\"b\": [1, 2.50, 1e2], \"a\": \"é\", \"a\": null}");

        var result = await target.WriteBatchAsync(table,
            [[1L, Iso("2024-05-01T14:34:56.123456+02:00"), new Date(8887), json], [2L, Timestamp.Infinity, Date.MinusInfinity, Json.Parse("7")]],
            WriteMode.Insert, false, CancellationToken.None);
        var rows = await ReadAsync(target, new ReadRequest("ev", ["id", "at", "day", "meta"], ["id"], false));

        Assert.Equal(2, result.Written);
        // PostgreSQL's own reading of what was stored: the instant in UTC, the date, jsonb's text (Cutover sends the JSON as read).
        await using var conn = await TestDatabases.OpenAsync(DatabaseUri);
        await using var cmd = new NpgsqlCommand("SET TimeZone = 'UTC'; SELECT at::text || '|' || day::text || '|' || meta::text FROM ev WHERE id = 1", conn);
        Assert.Equal("2024-05-01 12:34:56.123456+00|2024-05-01|{\"a\": null, \"b\": [1, 2.50, 100]}", await cmd.ExecuteScalarAsync());
        Assert.Equal<object?>([1L, Iso("2024-05-01 12:34:56.123456Z"), new Date(8887), json], rows[0]);
        Assert.Equal<object?>([2L, Timestamp.Infinity, Date.MinusInfinity, Json.Parse("7")], rows[1]);
    }

    [Fact]
    public async Task Read_PostgresTypes_AsCutoverValues_WhateverTheServersDateStyleAndZone()
    {
        var db = DatabaseUri[(DatabaseUri.LastIndexOf('/') + 1)..];
        await TestDatabases.ExecAsync(DatabaseUri,
            $"ALTER DATABASE {db} SET TimeZone = 'Asia/Tokyo'",
            $"ALTER DATABASE {db} SET DateStyle = 'SQL, DMY'",
            $"ALTER DATABASE {db} SET IntervalStyle = 'iso_8601'",
            "CREATE TABLE t (k int PRIMARY KEY, tz timestamptz, ts timestamp, d date, j jsonb, n numeric(7,3), u uuid, i interval, tt timetz, js json, b bytea)",
            """
            INSERT INTO t VALUES
              (1, '2024-05-01 12:00:00.5+00', '2024-05-01 12:00:00.5', '2024-05-01', '{"b":1,"a":[1.0]}', 12.5, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '1 day 02:00:00', '10:00:00+02', '{"b": 1, "a": 2}', '\x00ff'),
              (2, '0044-03-15 12:00:00+00 BC', '0044-03-15 12:00:00 BC', '-infinity', 'null', 'NaN', NULL, NULL, NULL, NULL, NULL),
              (3, 'infinity', 'infinity', '5874897-12-31', '"x"', -0.001, NULL, NULL, NULL, NULL, NULL)
            """);

        var rows = await ReadAsync(await SourceAsync(), new ReadRequest("t", ["k", "tz", "ts", "d", "j", "n", "u", "i", "tt", "js", "b"], ["k"], false));

        Assert.Equal("2024-05-01T12:00:00.500000Z", rows[0][1]!.ToString());
        Assert.Equal("2024-05-01 12:00:00.5", rows[0][2]);
        Assert.Equal("2024-05-01", rows[0][3]!.ToString());
        Assert.Equal("{\"a\":[1],\"b\":1}", Assert.IsType<Json>(rows[0][4]).Canonical);
        Assert.Equal("{\"a\": [1.0], \"b\": 1}", Assert.IsType<Json>(rows[0][4]).Text);
        Assert.Equal("12.500", Assert.IsType<Numeric>(rows[0][5]).Text);
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", rows[0][6]);
        Assert.Equal("1 day 02:00:00", rows[0][7]);
        Assert.Equal("10:00:00+02", rows[0][8]); // timetz keeps its own offset
        Assert.Equal("{\"b\": 1, \"a\": 2}", rows[0][9]);
        Assert.Equal(new byte[] { 0, 255 }, rows[0][10]);
        Assert.Equal("-0043-03-15T12:00:00.000000Z", rows[1][1]!.ToString());
        Assert.Equal("0044-03-15 12:00:00 BC", rows[1][2]);
        Assert.Equal(Date.MinusInfinity, rows[1][3]);
        Assert.Equal("null", Assert.IsType<Json>(rows[1][4]).Canonical);
        Assert.Equal("NaN", Assert.IsType<Numeric>(rows[1][5]).Canonical);
        Assert.Equal(Timestamp.Infinity, rows[2][1]);
        Assert.Equal("+5874897-12-31", rows[2][3]!.ToString());
        Assert.Equal("-0.001", Assert.IsType<Numeric>(rows[2][5]).Canonical);
    }

    [Fact]
    public async Task Inspect_PostgresColumns_HaveTheirKinds()
    {
        await TestDatabases.ExecAsync(DatabaseUri, "CREATE DOMAIN money2 AS numeric(12,2)",
            "CREATE TABLE t (a int2 PRIMARY KEY, b int4, c int8, d real, e float8, f text, g varchar(9), h char(2), i bytea, j boolean, k numeric, l timestamptz, m date, n jsonb, o json, p uuid, q timestamp, r money2, s int[])");

        var t = (await (await SourceAsync()).InspectAsync(CancellationToken.None)).FindTable("t")!;

        Assert.Equal(
            [ColumnKind.Integer, ColumnKind.Integer, ColumnKind.Integer, ColumnKind.Real, ColumnKind.Real, ColumnKind.Text, ColumnKind.Text, ColumnKind.Text,
             ColumnKind.Blob, ColumnKind.Boolean, ColumnKind.Numeric, ColumnKind.Timestamp, ColumnKind.Date, ColumnKind.Json, ColumnKind.Other, ColumnKind.Other,
             ColumnKind.Other, ColumnKind.Numeric, ColumnKind.Other],
            t.Columns.Select(c => c.Kind));
    }

    [Fact]
    public async Task WriteBatch_NumericThatWouldRound_IsRejectedNotRounded()
    {
        var table = Table("prices", ["id"], new TargetColumn("id", "INTEGER", true, null), new TargetColumn("p", "DECIMAL(10,2)", false, null));
        var target = await TargetAsync();
        await target.CreateTableAsync(table, false, CancellationToken.None);

        var result = await target.WriteBatchAsync(table, [[1L, 12.5], [2L, 12.345], [3L, "0.100"], [4L, 123456789.0], [5L, 0.1 + 0.2]], WriteMode.Insert, false, CancellationToken.None);

        Assert.Equal(2, result.Written);
        Assert.Equal([(1, ErrorCodes.RowRejected), (3, ErrorCodes.RowRejected), (4, ErrorCodes.RowRejected)], result.Failures.Select(f => (f.Index, f.Code)));
        Assert.Equal("column \"p\" is numeric(10,2) and would round 12.345 to 2 decimal places; choose type: numeric in the plan to keep it", result.Failures[0].Message);
        Assert.Equal("column \"p\" is numeric(10,2) and cannot hold 123456789", result.Failures[1].Message);
        Assert.Contains("0.30000000000000004", result.Failures[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsStored_NumbersInNumericAndDoubleColumns_AsPostgresGivesThemBack()
    {
        var table = Table("mixed", ["id"],
            new TargetColumn("id", "INTEGER", true, null), new TargetColumn("n", "NUMERIC", false, null),
            new TargetColumn("d", "REAL", false, null), new TargetColumn("u", "uuid", false, null) { Kind = ColumnKind.Other },
            new TargetColumn("c", "character(4)", false, null) { Kind = ColumnKind.Text });
        var target = await TargetAsync();
        await target.CreateTableAsync(table, false, CancellationToken.None);
        object?[][] rows = [[1L, 0.1, 3L, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "ab"], [2L, long.MinValue, 2.5, null, "abcd"]];

        await target.WriteBatchAsync(table, rows, WriteMode.Insert, false, CancellationToken.None);
        var back = await ReadAsync(target, new ReadRequest("mixed", ["id", "n", "d", "u", "c"], ["id"], false));

        Assert.Equal(rows.Select(r => target.AsStored(table, r)), back);
        Assert.Equal<object?>([1L, Numeric.Parse("0.1"), 3.0, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "ab  "], back[0]);
    }

    [Fact]
    public async Task RowidTable_CarriesTheRowidInAColumnAndUpsertsAndDeletesByIt()
    {
        var table = Table("logs", ["rowid"], new TargetColumn("line", "TEXT", false, null), new TargetColumn("code", "TEXT", false, null))
            with { DeclaredPrimaryKey = ["code"] };
        var target = await TargetAsync();
        await target.CreateTableAsync(table, false, CancellationToken.None);

        var first = await target.WriteBatchAsync(table, [[5L, "a", null], [7L, "b", null], [9L, "c", "x"]], WriteMode.Insert, false, CancellationToken.None);
        var replay = await target.WriteBatchAsync(table, [[7L, "b2", null], [11L, "d", "y"]], WriteMode.Upsert, false, CancellationToken.None);
        await target.DeleteKeysAsync(table, [[5L]], CancellationToken.None);
        var dup = await target.WriteBatchAsync(table, [[13L, "e", "x"]], WriteMode.Insert, false, CancellationToken.None);
        var rows = await ReadAsync(target, new ReadRequest("logs", ["rowid", "line", "code"], ["rowid"], true));

        Assert.Equal(3, first.Written);
        Assert.Equal(2, replay.Written);
        Assert.Equal(ErrorCodes.ConstraintViolation, Assert.Single(dup.Failures).Code);
        Assert.Equal(["bigint", "text", "text"], await ColumnTypesAsync("logs"));
        Assert.Equal([[7L, "b2", null], [9L, "c", "x"], [11L, "d", "y"]], rows);
        // Parallel copy and verify cut a rowid table at rowid values, like any key.
        Assert.Equal([9L], await target.KeyAtAsync("logs", ["rowid"], true, 1, false, CancellationToken.None));
        var range = await ReadAsync(target, new ReadRequest("logs", ["rowid", "line", "code"], ["rowid"], true, After: [7L], Until: [9L]));
        Assert.Equal([[9L, "c", "x"]], range);
        Assert.StartsWith("CREATE TABLE \"logs\" (\n  \"rowid\" bigint NOT NULL,", target.DescribeCreate(table), StringComparison.Ordinal);
        Assert.Contains("PRIMARY KEY (\"rowid\"),\n  UNIQUE (\"code\")", target.DescribeCreate(table), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowidTable_WithAColumnNamedRowid_IsAPlanErrorNamingIt()
    {
        var table = Table("odd", ["rowid"], new TargetColumn("RowId", "TEXT", false, null));
        var target = await TargetAsync();

        var ex = await Assert.ThrowsAsync<CutoverException>(() => target.CreateTableAsync(table, false, CancellationToken.None));

        Assert.Equal(ErrorCodes.PlanInvalid, ex.Code);
        Assert.Contains("already has a column \"RowId\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTable_SourceTypeTheTargetLacks_SaysWhatToDo()
    {
        var table = Table("moods", ["id"], new TargetColumn("id", "INTEGER", true, null), new TargetColumn("m", "mood", false, null) { Kind = ColumnKind.Other });
        var target = await TargetAsync();

        var ex = await Assert.ThrowsAsync<CutoverException>(() => target.CreateTableAsync(table, false, CancellationToken.None));

        Assert.Equal(ErrorCodes.UnsupportedSchema, ex.Code);
        Assert.Contains("type \"mood\" does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("type: text", ex.Message, StringComparison.Ordinal);
    }
}

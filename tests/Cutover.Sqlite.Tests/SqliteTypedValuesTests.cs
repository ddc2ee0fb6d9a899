using Cutover.Connectors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Schema;
using Cutover.Sqlite.Internal;
using Cutover.Sqlite.Tests.Support;
using Cutover.State;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.Sqlite.Tests;

/// <summary>Typed values (timestamps, dates, JSON, decimals) on a SQLite target: their declared types, stored forms and verification.</summary>
public sealed class SqliteTypedValuesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("DATETIME", ColumnKind.Timestamp, "DATETIME")]
    [InlineData("timestamp with time zone", ColumnKind.Timestamp, "timestamp with time zone")]
    [InlineData("INTEGER", ColumnKind.Timestamp, "DATETIME")]
    [InlineData("TEXT", ColumnKind.Timestamp, "TEXT")]
    [InlineData("date", ColumnKind.Date, "date")]
    [InlineData("jsonb", ColumnKind.Json, "TEXT")]
    [InlineData("JSON", ColumnKind.Json, "TEXT")]
    [InlineData("numeric(10,2)", ColumnKind.Numeric, "TEXT")]
    [InlineData("boolean", ColumnKind.Boolean, "boolean")]
    [InlineData("integer", ColumnKind.Integer, "integer")]
    [InlineData("real", ColumnKind.Real, "real")]
    [InlineData("double precision", ColumnKind.Real, "double precision")]
    [InlineData("character varying(20)", ColumnKind.Text, "character varying(20)")]
    [InlineData("bytea", ColumnKind.Blob, "bytea")]
    [InlineData("uuid", ColumnKind.Other, "uuid")]
    [InlineData("timestamp without time zone", ColumnKind.Other, "timestamp without time zone")]
    [InlineData("integer[]", ColumnKind.Other, "integer[]")]
    [InlineData("bit(8)", ColumnKind.Other, "TEXT")]
    [InlineData("mood", ColumnKind.Other, "TEXT")]
    [InlineData("json", ColumnKind.Other, "TEXT")]
    [InlineData("DECIMAL(10,2)", ColumnKind.Dynamic, "DECIMAL(10,2)")]
    public void DeclaredType_KeepsTheNameUnlessAffinityWouldChangeTheValues(string declared, ColumnKind kind, string expected)
    {
        Assert.Equal(expected, SqliteTypes.DeclaredType(new TargetColumn("c", declared, false, null) { Kind = kind }));
    }

    [Fact]
    public void DeclaredType_TextUnderNumericAffinity_WouldHaveBecomeANumber()
    {
        // Why numeric and JSON get TEXT: under the PostgreSQL name SQLite itself would change the value.
        var path = _dir.File("affinity.db");
        SqliteFile.Exec(path, "CREATE TABLE t (a \"numeric(10,2)\", b jsonb, c TEXT); INSERT INTO t VALUES ('12.50', '1', '12.50')");
        Assert.Equal("real", SqliteFile.Scalar(path, "SELECT typeof(a) FROM t"));
        Assert.Equal("integer", SqliteFile.Scalar(path, "SELECT typeof(b) FROM t"));
        Assert.Equal("text", SqliteFile.Scalar(path, "SELECT typeof(c) FROM t"));
    }

    [Fact]
    public async Task WriteBatch_TypedValues_StoredAsTheirTextAndReadBackAsAsStoredSays()
    {
        var table = new TargetTable("t",
        [
            new TargetColumn("id", "INTEGER", true, null),
            new TargetColumn("at", "timestamp with time zone", false, null) { Kind = ColumnKind.Timestamp },
            new TargetColumn("day", "date", false, null) { Kind = ColumnKind.Date },
            new TargetColumn("doc", "jsonb", false, null) { Kind = ColumnKind.Json },
            new TargetColumn("price", "numeric(10,2)", false, null) { Kind = ColumnKind.Numeric },
        ], ["id"], false, false, false, [], []);
        Assert.True(Timestamp.TryParseIso("2024-05-01 12:00:00.5+02:00", out var at, out _));
        object?[] row = [1L, at, new Date(9000), Json.Parse("{\"b\": 1, \"a\": 1}"), Numeric.Parse("12.50")];
        await using var target = Stores.Target(_dir.File("t.db"));
        await target.CreateTableAsync(table, false, CancellationToken.None);

        var result = await target.WriteBatchAsync(table, [row], WriteMode.Insert, false, CancellationToken.None);
        var back = Assert.Single(await Stores.ReadAllAsync(target, Stores.Request(table)));

        Assert.Equal(1, result.Written);
        Assert.Equal<object?>([1L, "2024-05-01T10:00:00.500000Z", "2024-08-22", "{\"b\": 1, \"a\": 1}", "12.50"], back);
        Assert.Equal(target.AsStored(table, row), back);
        Assert.Equal("text", SqliteFile.Scalar(_dir.File("t.db"), "SELECT typeof(price) FROM t"));
    }

    [Fact]
    public async Task AsStored_NegativeZeroInARealColumn_IsZeroAsSqliteStoresIt()
    {
        var table = new TargetTable("z", [new TargetColumn("id", "INTEGER", true, null), new TargetColumn("r", "double precision", false, null) { Kind = ColumnKind.Real },
            new TargetColumn("u", "", false, null)], ["id"], false, false, false, [], []);
        await using var target = Stores.Target(_dir.File("z.db"));
        await target.CreateTableAsync(table, false, CancellationToken.None);
        object?[] row = [1L, -0.0, -0.0];

        await target.WriteBatchAsync(table, [row], WriteMode.Insert, false, CancellationToken.None);
        var back = Assert.Single(await Stores.ReadAllAsync(target, Stores.Request(table)));
        var expected = target.AsStored(table, row);

        Assert.False(double.IsNegative((double)back[1]!));
        Assert.True(double.IsNegative((double)back[2]!));
        Assert.False(double.IsNegative((double)expected[1]!));
        Assert.True(double.IsNegative((double)expected[2]!));
        Assert.True(double.IsNegative((double)row[1]!), "AsStored must not change the row it is given");
    }

    private async Task<(MigrationResult Result, IReadOnlyList<EntityVerification> Verify)> MigrateAndVerifyAsync(string planText)
    {
        var file = _dir.File("cutover.yaml");
        File.WriteAllText(file, planText);
        var plan = PlanLoader.Load(file);
        var registry = new StoreRegistry([new SqliteStoreProvider()]);
        MigrationResult result;
        await using (var ctx = await MigrationSession.OpenAsync(plan, registry, (path, create) => SqliteStateStore.Open(path, create), SessionMode.Write, null, null, null, CancellationToken.None))
        {
            result = await Migrator.RunAsync(ctx, CancellationToken.None);
        }
        await using var check = await MigrationSession.OpenAsync(plan, registry, (path, create) => SqliteStateStore.Open(path, create), SessionMode.ReadOnly, null, null, null, CancellationToken.None);
        return (result, await Verifier.VerifyAsync(check, check.Entities, CancellationToken.None));
    }

    [Fact]
    public async Task Migrate_DatesIsoAndJsonb_StoresTheDocumentedFormsAndVerifies()
    {
        SqliteFile.Exec(_dir.File("app.db"), """
            CREATE TABLE ev (id INTEGER PRIMARY KEY, at DATETIME, day DATE, meta JSON, ms INTEGER);
            INSERT INTO ev VALUES (1, '2024-05-01 14:00:00+02:00', '2024-05-01', '{ "b": [1, 2.50], "a": null }', 1714566896789);
            INSERT INTO ev VALUES (2, NULL, NULL, '7', NULL);
            INSERT INTO ev VALUES (3, 'not a date', '2024-05-01', '{}', 0);
            """);

        var (result, verify) = await MigrateAndVerifyAsync("""
            name: typed
            source: sqlite:./app.db
            target: sqlite:./app_v2.db
            on_error: skip
            types: { dates: iso, json: jsonb }
            entities:
              - table: ev
                columns:
                  ms: { dates: epoch_ms }
            """);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(1, result.RowsRejected);
        var target = _dir.File("app_v2.db");
        Assert.Equal("2024-05-01T12:00:00.000000Z|2024-05-01|{ \"b\": [1, 2.50], \"a\": null }|2024-05-01T12:34:56.789000Z",
            SqliteFile.Scalar(target, "SELECT at || '|' || day || '|' || meta || '|' || ms FROM ev WHERE id = 1"));
        // The JSON document 7 (an integer in SQLite's JSON column) is the text '7' in a TEXT column.
        Assert.Equal("text", SqliteFile.Scalar(target, "SELECT typeof(meta) FROM ev WHERE id = 2"));
        Assert.Equal(2L, SqliteFile.Scalar(target, "SELECT COUNT(*) FROM ev"));
        var v = Assert.Single(verify);
        Assert.True(v.Match, v.Problem);
        Assert.Equal(1, v.ExcludedRejected);
    }

    [Fact]
    public async Task Verify_JsonChangedBehindCutoversBack_IsAChecksumMismatchUntilPutBack()
    {
        SqliteFile.Exec(_dir.File("app.db"), "CREATE TABLE ev (id INTEGER PRIMARY KEY, meta JSON); INSERT INTO ev VALUES (1, '{\"a\": 1}'), (2, '[1, 2]');");
        var plan = "name: j\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\ntypes: { json: jsonb }\nentities:\n  - table: ev\n";
        var (result, first) = await MigrateAndVerifyAsync(plan);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.True(first[0].Match);

        SqliteFile.Exec(_dir.File("app_v2.db"), "UPDATE ev SET meta = '{\"a\":2}' WHERE id = 1");
        var (_, second) = await MigrateAndVerifyAsync(plan);

        Assert.False(second[0].Match);
        Assert.Equal("same row count but contents differ (checksum)", second[0].Problem);
        // A SQLite target keeps the JSON text as read and gives it back as text: the text written matches again.
        SqliteFile.Exec(_dir.File("app_v2.db"), "UPDATE ev SET meta = '{\"a\": 1}' WHERE id = 1");
        var (_, third) = await MigrateAndVerifyAsync(plan);
        Assert.True(third[0].Match, third[0].Problem);
    }
}

using Cutover.Connectors;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>
/// <see cref="PostgreSqlStore.ChecksumAsync"/> parses a binary COPY and hashes values from their binary form; these tests hold
/// it to the default way (every row read through ReadAsync, then <see cref="TableChecksum.Add(IReadOnlyList{object})"/>) for
/// every type the readers know, types read as text, and every shape of range, and check that the COPY way really ran.
/// </summary>
public sealed class PostgreSqlChecksumTests : StoreTestBase
{
    private static readonly string[] KindsColumns =
    [
        "id", "i2", "i4", "i8", "f4", "f8", "b", "t", "vc", "c5", "c1", "nm", "by", "bl", "ts", "d", "j", "js", "n", "n2", "u", "tsn", "iv", "arr", "mood",
        "pos", "ch",
    ];

    private async Task KindsAsync()
    {
        await TestDatabases.ExecAsync(DatabaseUri,
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
            "CREATE DOMAIN positive AS int4 CHECK (VALUE > 0)",
            """
            CREATE TABLE kinds (
                id int8 PRIMARY KEY, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, b bool, t text, vc varchar(30000), c5 char(5),
                c1 char(1), nm name, by bytea, bl blob, ts timestamptz, d date, j jsonb, js json, n numeric, n2 numeric(10,2), u uuid,
                tsn timestamp, iv interval, arr int4[], mood mood, pos positive, ch "char")
            """,
            """
            INSERT INTO kinds (id) VALUES (1);
            INSERT INTO kinds VALUES (2, 0, 0, 0, 0, 0, false, '', '', '', ' ', '', '\x', '\x', '2000-01-01 00:00:00+00', '2000-01-01', '{}', '[]',
                0, 0.00, '00000000-0000-0000-0000-000000000000', '2000-01-01 00:00:00', '0', '{}', 'sad', 1, 'a');
            INSERT INTO kinds VALUES (3, -32768, -2147483648, -9223372036854775808, '-0', '-0', true, repeat('x', 200), 'é日🚀 Привет', 'ab', '🚀',
                'héllo', '\x00ff', '\x0000', '-infinity', '-infinity',
                '{"b": {"z": 1, "a": [1.50, "é", null, true]}, "a": 1e2, "a": "last wins", "s": "tab\tquote\"slash\\ \u00e9 \u0001"}',
                ' { "b" : 1 , "a" : 2 } ', 'NaN', 12.50, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '1999-12-31 23:59:59.999999',
                '1 year 2 mons -3 days 04:05:06.789', '{1,NULL,-3}', 'happy', 2147483647, '\');
            INSERT INTO kinds VALUES (4, 32767, 2147483647, 9223372036854775807, 'NaN', 'Infinity', NULL, repeat('é日🚀', 3000), repeat('y', 127),
                'abcde', NULL, repeat('n', 63), decode(repeat('00ff7f80', 100), 'hex'), NULL, 'infinity', 'infinity',
                '[1, [2, [3, {"k": [4.0e0]}]], "\ud83d\ude80"]', 'null', '123456789012345678901234567890.123456789000',
                -99999999.99, NULL, '294276-12-31 23:59:59.999999', '-178000000 years', '{}', NULL, NULL, NULL);
            INSERT INTO kinds VALUES (5, 1, -1, 1, 1.1, 4.9e-324, true, 'it''s \ a "quote"', E'line\nbreak\r\n', 'é', 'é', 'name with space',
                '\xdeadbeef', '\xff', '4713-01-01 00:00:00+00 BC', '4713-01-01 BC', '"just a string"', '1.50', '-0.00100', -0.01,
                'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '0044-03-15 12:00:00 BC', '-1 days', '{{1,2},{3,4}}', 'ok', 7, 'z');
            INSERT INTO kinds VALUES (6, NULL, NULL, NULL, '3.4028235e38', '-1.7976931348623157e308', false, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                '2024-05-01 14:34:56.123456+02', '2024-02-29', '{"a": {"b": {"c": {}}}, "e": -0, "d": 1E-7}', '{"dup": 1, "dup": 2}',
                'Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            INSERT INTO kinds VALUES (7, NULL, NULL, NULL, '-Infinity', 'NaN', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'false', NULL,
                '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """);
    }

    private static ReadRequest Kinds => new("kinds", KindsColumns, ["id"], false);

    private async Task<PostgreSqlStore> StoreAsync() => (PostgreSqlStore)await SourceAsync();

    private static async Task<TableChecksum> SlowAsync(ISourceStore store, ReadRequest request) =>
        await TableChecksum.OfRowsAsync(store.ReadAsync(request, CancellationToken.None), CancellationToken.None);

    /// <summary>ChecksumAsync equals the default way, and took the COPY way unless <paramref name="fallBack"/>; returns the count.</summary>
    private static async Task<long> AssertSameAsync(PostgreSqlStore store, ReadRequest request, string what = "", bool fallBack = false)
    {
        var slow = await SlowAsync(store, request);
        var before = store.ChecksumFallBacks;
        var fast = await store.ChecksumAsync(request, CancellationToken.None);

        Assert.True(slow.Hex == fast.Hex && slow.Count == fast.Count, $"{what}: default {slow.Hex}/{slow.Count}, fast {fast.Hex}/{fast.Count}");
        Assert.True(fallBack == (store.ChecksumFallBacks > before), $"{what}: fell back {store.ChecksumFallBacks - before} times");
        return slow.Count;
    }

    [Fact]
    public async Task ChecksumAsync_EveryTypeTheReadersKnow_EachRowEqualsDefault()
    {
        await KindsAsync();
        var store = await StoreAsync();
        var rows = new List<object?[]>();
        await foreach (var r in store.ReadAsync(Kinds, CancellationToken.None))
        {
            rows.Add(r);
        }
        // The slow path really produces every kind, so each is compared.
        var kinds = rows.SelectMany(r => r).Where(v => v is not null).Select(v => v!.GetType().Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "Int64", "Double", "String", "Byte[]", "Timestamp", "Date", "Json", "Numeric" }, kinds);

        foreach (var row in rows)
        {
            var id = (long)row[0]!;
            Assert.Equal(1, await AssertSameAsync(store, Kinds with { After = [id - 1], Until = [id] }, $"row {id}: {string.Join(", ", row.Select(Value.Display))}"));
        }
        Assert.Equal(7, await AssertSameAsync(store, Kinds, "whole table"));
    }

    [Fact]
    public async Task ChecksumAsync_EachColumnAlone_EqualsDefault()
    {
        await KindsAsync();
        var store = await StoreAsync();

        foreach (var column in KindsColumns)
        {
            Assert.Equal(7, await AssertSameAsync(store, new ReadRequest("kinds", [column, "id"], ["id"], false), column));
        }
    }

    [Fact]
    public async Task ChecksumAsync_Ranges_EqualDefault()
    {
        await KindsAsync();
        var store = await StoreAsync();

        Assert.Equal(4, await AssertSameAsync(store, Kinds with { After = [3L] }, "after"));
        Assert.Equal(5, await AssertSameAsync(store, Kinds with { Until = [5L] }, "until"));
        Assert.Equal(3, await AssertSameAsync(store, Kinds with { After = [2L], Until = [5L] }, "both"));
        Assert.Equal(0, await AssertSameAsync(store, Kinds with { After = [5L], Until = [5L] }, "empty"));
        Assert.Equal(0, await AssertSameAsync(store, Kinds with { After = [6L], Until = [2L] }, "reversed"));
        Assert.Equal(7, await AssertSameAsync(store, Kinds with { After = [long.MinValue], Until = [long.MaxValue] }, "extremes"));
        Assert.Equal(4, await AssertSameAsync(store, Kinds with { After = [3.5] }, "real bound"));
        Assert.Equal(0, await AssertSameAsync(store, Kinds with { After = [null] }, "null bound"));
    }

    [Fact]
    public async Task ChecksumAsync_ManyRows_EqualsDefaultAcrossPagesAndCopyBuffers()
    {
        await TestDatabases.ExecAsync(DatabaseUri,
            "CREATE TABLE many (id int4 PRIMARY KEY, n int8, f float8, t text, by bytea, ts timestamptz)",
            """
            INSERT INTO many SELECT g, (g * 7919) % 1000 - 500, CASE WHEN g % 10 = 0 THEN NULL ELSE g * 0.37 END,
                md5(g::text) || repeat('é', g % 150), CASE WHEN g % 7 = 0 THEN NULL ELSE decode(repeat(md5(g::text), g % 40), 'hex') END,
                '2024-01-01'::timestamptz + g * interval '1 second 7 microseconds'
            FROM generate_series(1, 30000) g
            """,
            // Rows far larger than the COPY buffer, so tuples straddle reads and the buffer grows.
            "INSERT INTO many VALUES (30001, 1, 1, repeat('big', 300000), decode(repeat('ab', 600000), 'hex'), NULL)");
        var store = await StoreAsync();
        var request = new ReadRequest("many", ["id", "n", "f", "t", "by", "ts"], ["id"], false);

        Assert.Equal(30_001, await AssertSameAsync(store, request, "whole"));
        Assert.Equal(15_000, await AssertSameAsync(store, request with { After = [10_000L], Until = [25_000L] }, "middle"));
    }

    [Fact]
    public async Task ChecksumAsync_CompositeTextKey_BoundsWithQuotesAndBackslashes()
    {
        await TestDatabases.ExecAsync(DatabaseUri,
            "CREATE TABLE comp (a text, b int4, v text, PRIMARY KEY (a, b))",
            """
            INSERT INTO comp VALUES ('a', 1, 'x'), ('a', 2, NULL), ('it''s', 1, 'q'), ('it''s', 2, 'q2'), ('back\slash', 1, 'b'), ('back\slash', 2, 'b2'),
                ('é', 1, 'e'), ('z', 1, 'last')
            """);
        var store = await StoreAsync();
        var request = new ReadRequest("comp", ["a", "b", "v"], ["a", "b"], false);

        Assert.Equal(8, await AssertSameAsync(store, request, "whole"));
        Assert.Equal(3, await AssertSameAsync(store, request with { After = ["it's", 1L] }, "after quote"));
        Assert.Equal(2, await AssertSameAsync(store, request with { After = ["a", 2L], Until = ["back\\slash", 2L] }, "backslash"));
        Assert.Equal(0, await AssertSameAsync(store, request with { After = ["é", 1L], Until = ["é", 1L] }, "empty"));
    }

    [Fact]
    public async Task ChecksumAsync_TypedKeys_BoundsAsLiteralsOfTheBoundTypes()
    {
        await TestDatabases.ExecAsync(DatabaseUri,
            "CREATE TABLE tk (ts timestamptz, d date, n numeric, f float8, by bytea, v int4)",
            """
            INSERT INTO tk VALUES ('-infinity', '-infinity', '-Infinity', '-Infinity', '\x', 1), ('4713-01-01 BC', '4713-01-01 BC', -1e30, -1.5, '\x00', 2),
                ('1999-12-31 23:59:59.999999+00', '1999-12-31', 1.5, -0.0, '\x0001', 3), ('2000-01-01 00:00:00.000001+00', '2000-01-01', 1.50001, 0.0, '\xff', 4),
                ('2024-05-01 12:00:00+00', '2024-05-01', 'NaN', 'NaN', '\xffff', 5), ('infinity', 'infinity', 'Infinity', 'Infinity', NULL, 6)
            """);
        var store = await StoreAsync();
        _ = Timestamp.TryParseIso("2000-01-01T00:00:00Z", out var y2k, out _);
        var rows = new ReadRequest("tk", ["ts", "d", "n", "f", "by", "v"], ["ts"], false);

        Assert.Equal(3, await AssertSameAsync(store, rows with { After = [y2k] }, "timestamp after"));
        Assert.Equal(3, await AssertSameAsync(store, rows with { After = [new Timestamp(-1)], Until = [Timestamp.Infinity] }, "timestamp range"));
        Assert.Equal(5, await AssertSameAsync(store, rows with { After = [Timestamp.MinusInfinity] }, "minus infinity"));
        // A BC bound has no ISO literal here: read through ReadAsync.
        Assert.Equal(4, await AssertSameAsync(store, rows with { After = [new Timestamp(-211_000_000_000_000_000L)] }, "BC bound", fallBack: true));
        Assert.Equal(3, await AssertSameAsync(store, rows with { Key = ["d"], After = [new Date(-1)], Until = [Date.Infinity] }, "date"));
        Assert.Equal(4, await AssertSameAsync(store, rows with { Key = ["d"], After = [new Date(-1_000_000)] }, "BC date"));
        Assert.Equal(3, await AssertSameAsync(store, rows with { Key = ["n"], After = [Numeric.Parse("1.5")] }, "numeric"));
        // -0.0 equals 0.0, and NaN sorts after Infinity.
        Assert.Equal(1, await AssertSameAsync(store, rows with { Key = ["f"], After = [-0.0], Until = [double.PositiveInfinity] }, "float"));
        Assert.Equal(1, await AssertSameAsync(store, rows with { Key = ["f"], After = [double.PositiveInfinity] }, "NaN sorts last"));
        Assert.Equal(3, await AssertSameAsync(store, rows with { Key = ["by"], After = new object?[] { new byte[] { 0x00 } } }, "bytea"));
        Assert.Equal(4, await AssertSameAsync(store, rows with { Key = ["by"], After = new object?[] { Array.Empty<byte>() } }, "empty bytea"));
    }

    [Fact]
    public async Task ChecksumAsync_JsonbKey_BoundAsJsonb()
    {
        await TestDatabases.ExecAsync(DatabaseUri,
            "CREATE TABLE jk (j jsonb PRIMARY KEY, v int4)",
            """INSERT INTO jk VALUES ('1', 1), ('"a"', 2), ('{"a": 1}', 3), ('[1, 2]', 4), ('{"b": "it''s \"x\" \\"}', 5)""");
        var store = await StoreAsync();
        var request = new ReadRequest("jk", ["j", "v"], ["j"], false);

        Assert.Equal(2, await AssertSameAsync(store, request with { After = [Json.Parse("[1, 2]")] }, "jsonb"));
        Assert.Equal(1, await AssertSameAsync(store, request with { After = [Json.Parse("{\"a\": 1}")] }, "object"));
    }

    [Fact]
    public async Task ChecksumAsync_RowidTable_IncludesTheRowidColumn()
    {
        await TestDatabases.ExecAsync(DatabaseUri,
            "CREATE TABLE logs (rowid int8 PRIMARY KEY, msg text, val float8)",
            "INSERT INTO logs VALUES (1, 'one', 1), (3, NULL, '-0'), (7, 'seven', 2.5), (9007199254740993, 'big', 1e-5)");
        var store = await StoreAsync();
        var request = new ReadRequest("logs", ["rowid", "msg", "val"], ["rowid"], true);

        Assert.Equal(4, await AssertSameAsync(store, request, "whole"));
        Assert.Equal(2, await AssertSameAsync(store, request with { After = [1L], Until = [7L] }, "range"));
    }

    [Fact]
    public async Task ChecksumAsync_ColumnTheTableLacks_FailsLikeRead()
    {
        await KindsAsync();
        var store = await StoreAsync();
        var request = new ReadRequest("kinds", ["id", "absent"], ["id"], false);

        var read = await Assert.ThrowsAnyAsync<Exception>(() => SlowAsync(store, request));
        var sum = await Assert.ThrowsAnyAsync<Exception>(() => store.ChecksumAsync(request, CancellationToken.None));

        Assert.Equal(read.GetType(), sum.GetType());
        Assert.Equal(read.Message, sum.Message);
    }

    [Fact]
    public async Task ChecksumAsync_Keys_Refused()
    {
        await KindsAsync();
        var store = await StoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.ChecksumAsync(Kinds with { Keys = [[1L]] }, CancellationToken.None));
    }

    [Fact]
    public async Task ChecksumAsync_CancelledMidCopy_ThrowsAndTheStoreStillWorks()
    {
        await TestDatabases.ExecAsync(DatabaseUri,
            // A view whose rows come slowly (the store reads views as it reads tables), so the cancel lands mid-COPY.
            "CREATE VIEW slow AS SELECT g AS id, 'row ' || g || pg_sleep(0.001)::text AS t FROM generate_series(1, 100000) g",
            "CREATE TABLE small (id int4 PRIMARY KEY, t text)",
            "INSERT INTO small SELECT g, 'row ' || g FROM generate_series(1, 100) g");
        var store = await StoreAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ChecksumAsync(new ReadRequest("slow", ["id", "t"], ["id"], false), cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the cancel took {clock.Elapsed}");
        Assert.Equal(100, await AssertSameAsync(store, new ReadRequest("small", ["id", "t"], ["id"], false), "after the cancel"));
    }

    [Fact]
    public async Task ChecksumAsync_TextThatIsNotUtf8_FailsLikeReadAndTheStoreStillWorks()
    {
        // Only a SQL_ASCII database lets text hold bytes that are not UTF-8; the server refuses to send them to a UTF-8 client.
        var uri = await Databases.CreateAsync("ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        await TestDatabases.ExecAsync(uri,
            "CREATE TABLE t (id int4 PRIMARY KEY, s text)",
            "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 5000) g",
            "INSERT INTO t VALUES (5001, E'bad \\xff byte')");
        var store = (PostgreSqlStore)Track(await Provider.OpenSourceAsync(uri, ".", CancellationToken.None));
        var request = new ReadRequest("t", ["id", "s"], ["id"], false);

        var read = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => SlowAsync(store, request));
        var sum = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => store.ChecksumAsync(request, CancellationToken.None));

        Assert.Equal(read.SqlState, sum.SqlState);
        // The failed COPY left the connection usable.
        Assert.Equal(5000, await AssertSameAsync(store, request with { Until = [5000L] }, "after the failure"));
    }
}

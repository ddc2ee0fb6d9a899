using System.Globalization;
using System.Text.Json.Nodes;
using Cutover.PostgreSql.Types;
using Npgsql;
using NpgsqlTypes;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>
/// Every row of the type-mapping table against a real server: a value of the kind SQLite stores goes in
/// through Npgsql and comes back equal. The conversions here are the ones the target writer will make.
/// </summary>
public class TypeRoundTripTests(TestServer server) : IClassFixture<TestServer>
{
    [Theory]
    [MemberData(nameof(TypeMappingTable.Rows), MemberType = typeof(TypeMappingTable))]
    public async Task RoundTrip_EveryMappingRow_KeepsTheValue(string declared, string options, string expected, ValueConversion conversion)
    {
        var m = PostgreSqlTypeMapper.Map("v", declared, TypeMappingTable.Options(options));
        Assert.Equal(expected, m.PostgreSqlType);
        Assert.Equal(conversion, m.Conversion);

        var samples = Samples(m.PostgreSqlType!, conversion);
        await using var conn = await server.OpenAsync();
        await Exec(conn, $"CREATE TEMP TABLE rt (i int PRIMARY KEY, v {m.PostgreSqlType})");
        // numeric travels as text both ways: System.Decimal cannot hold 1e-300 or double.MaxValue, numeric can.
        var numeric = m.PostgreSqlType!.StartsWith("numeric", StringComparison.Ordinal);
        for (var i = 0; i < samples.Length; i++)
        {
            await using var insert = new NpgsqlCommand(numeric ? $"INSERT INTO rt (i, v) VALUES ($1, CAST($2 AS {m.PostgreSqlType}))" : "INSERT INTO rt (i, v) VALUES ($1, $2)", conn);
            insert.Parameters.Add(new NpgsqlParameter { Value = i });
            insert.Parameters.Add(ToPostgreSql(samples[i], m.PostgreSqlType!, conversion));
            await insert.ExecuteNonQueryAsync();
        }

        await using var select = new NpgsqlCommand(numeric ? "SELECT v::text FROM rt ORDER BY i" : "SELECT v FROM rt ORDER BY i", conn);
        await using var reader = await select.ExecuteReaderAsync();
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.True(await reader.ReadAsync());
            var back = FromPostgreSql(reader.GetValue(0), conversion);
            Assert.True(SameValue(samples[i], back, conversion), $"{declared} → {m.PostgreSqlType}: wrote {Show(samples[i])}, read {Show(back)}");
        }
    }

    [Fact]
    public async Task RoundTrip_VarcharLongerThanDeclared_IsRejectedNotCut()
    {
        await using var conn = await server.OpenAsync();
        await Exec(conn, "CREATE TEMP TABLE vc (v varchar(5))");
        await using var insert = new NpgsqlCommand("INSERT INTO vc VALUES ($1)", conn);
        insert.Parameters.Add(new NpgsqlParameter { Value = "123456" });
        var ex = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.StringDataRightTruncation, ex.SqlState);
    }

    /// <summary>Values as SQLite hands them over for a column of this mapping.</summary>
    private static object[] Samples(string pgType, ValueConversion conversion) => (pgType, conversion) switch
    {
        ("bigint", _) => [long.MinValue, long.MaxValue, 0L, 1L],
        ("double precision", _) => [0.1 + 0.2, double.Epsilon, double.MaxValue, -0.0, 1e-300],
        ("bytea", _) => [Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), Array.Empty<byte>()],
        ("numeric", _) => [long.MaxValue, long.MinValue, 0.1 + 0.2, 1e-300, double.MaxValue],
        ("numeric(10,2)", _) => [12345678.91m, -0.01m],
        ("numeric(12,4)", _) => [12345678.1234m, 0.0001m],
        ("numeric(7)", _) => [1234567L, -1234567L],
        ("boolean", _) => [0L, 1L],
        ("timestamptz", ValueConversion.IsoTextToTimestamp) => ["2024-05-01T12:34:56.789000Z", "1970-01-01T00:00:00.000000Z"],
        ("date", _) => ["2024-05-01", "0001-01-01"],
        ("timestamptz", ValueConversion.EpochSecondsToTimestamp) => [1714566896L, 0L, -86400L],
        ("timestamptz", ValueConversion.EpochMillisecondsToTimestamp) => [1714566896789L, 0L],
        ("jsonb", _) => ["{\"b\": 1, \"a\": [1, 2.5, \"x\"], \"n\": null}", "[]"],
        (var t, _) when t.StartsWith("varchar(", StringComparison.Ordinal) => ["héllo wörld 😀", "", "ab"],
        ("text", _) => ["héllo\nwörld 😀 ' \" \\", new string('x', 150), "2024-05-01 12:34:56.789", "12:30:00", "{\"b\": 1,  \"a\": 2}"],
        _ => throw new InvalidOperationException($"no samples for {pgType} / {conversion}: add them when adding a mapping row"),
    };

    private static NpgsqlParameter ToPostgreSql(object sqlite, string pgType, ValueConversion conversion) => conversion switch
    {
        ValueConversion.IntegerToBoolean => new() { Value = (long)sqlite switch { 0 => false, 1 => true, var x => throw new InvalidOperationException($"{x} is not 0/1") } },
        ValueConversion.IsoTextToTimestamp when pgType == "date" => new() { Value = DateOnly.ParseExact((string)sqlite, "yyyy-MM-dd", CultureInfo.InvariantCulture) },
        ValueConversion.IsoTextToTimestamp => new() { Value = DateTime.Parse((string)sqlite, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal) },
        ValueConversion.EpochSecondsToTimestamp => new() { Value = DateTimeOffset.FromUnixTimeSeconds((long)sqlite).UtcDateTime },
        ValueConversion.EpochMillisecondsToTimestamp => new() { Value = DateTimeOffset.FromUnixTimeMilliseconds((long)sqlite).UtcDateTime },
        ValueConversion.TextToJsonb => new() { Value = sqlite, NpgsqlDbType = NpgsqlDbType.Jsonb },
        // A SQLite REAL in a numeric column goes in as its shortest round-trip text, so nothing is rounded.
        _ when pgType.StartsWith("numeric", StringComparison.Ordinal) =>
            new() { Value = Convert.ToString(sqlite is double d ? d.ToString("R", CultureInfo.InvariantCulture) : sqlite, CultureInfo.InvariantCulture), NpgsqlDbType = NpgsqlDbType.Text },
        _ => new() { Value = sqlite },
    };

    private static object FromPostgreSql(object pg, ValueConversion conversion) => conversion switch
    {
        ValueConversion.IntegerToBoolean => (bool)pg ? 1L : 0L,
        ValueConversion.IsoTextToTimestamp when pg is DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ValueConversion.IsoTextToTimestamp => ((DateTime)pg).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ValueConversion.EpochSecondsToTimestamp => new DateTimeOffset((DateTime)pg).ToUnixTimeSeconds(),
        ValueConversion.EpochMillisecondsToTimestamp => new DateTimeOffset((DateTime)pg).ToUnixTimeMilliseconds(),
        _ => pg,
    };

    private static bool SameValue(object written, object read, ValueConversion conversion)
    {
        switch (written)
        {
            case double d when read is double r:
                return BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(r);
            case double d when read is string text:
                // Numeric keeps a REAL's shortest round-trip text; parsing it back gives the same bits.
                return BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture));
            case long l when read is string text:
                return long.Parse(text, CultureInfo.InvariantCulture) == l;
            case decimal dec when read is string text:
                return decimal.Parse(text, CultureInfo.InvariantCulture) == dec;
            case byte[] b:
                return read is byte[] rb && b.AsSpan().SequenceEqual(rb);
            case string s when conversion == ValueConversion.TextToJsonb:
                return JsonNode.DeepEquals(JsonNode.Parse(s), JsonNode.Parse((string)read));
            default:
                return Equals(written, read);
        }
    }

    private static string Show(object v) => v switch
    {
        byte[] b => $"{b.Length} bytes",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "null",
    };

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

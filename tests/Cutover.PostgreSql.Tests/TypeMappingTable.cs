using Cutover.PostgreSql.Types;

namespace Cutover.PostgreSql.Tests;

/// <summary>The rows of docs/type-mapping.md, shared by the unit tests and the round trips against a real server.</summary>
public static class TypeMappingTable
{
    /// <summary>Declared type, options, expected PostgreSQL type, expected conversion.</summary>
    public static TheoryData<string, string, string, ValueConversion> Rows => new()
    {
        { "INTEGER", "default", "bigint", ValueConversion.None },
        { "int", "default", "bigint", ValueConversion.None },
        { "UNSIGNED BIG INT", "default", "bigint", ValueConversion.None },
        { "TINYINT(1)", "default", "bigint", ValueConversion.None },
        { "REAL", "default", "double precision", ValueConversion.None },
        { "DOUBLE PRECISION", "default", "double precision", ValueConversion.None },
        { "FLOAT", "default", "double precision", ValueConversion.None },
        { "TEXT", "default", "text", ValueConversion.None },
        { "text(100)", "default", "text", ValueConversion.None },
        { "CLOB", "default", "text", ValueConversion.None },
        { "VARCHAR", "default", "text", ValueConversion.None },
        { "varchar(20)", "default", "varchar(20)", ValueConversion.None },
        { "CHARACTER VARYING(255)", "default", "varchar(255)", ValueConversion.None },
        { "NVARCHAR(100)", "default", "varchar(100)", ValueConversion.None },
        { "CHAR(3)", "default", "text", ValueConversion.None },
        { "NCHAR(55)", "default", "text", ValueConversion.None },
        { "BLOB", "default", "bytea", ValueConversion.None },
        { "bytea", "default", "bytea", ValueConversion.None },
        { "NUMERIC", "default", "numeric", ValueConversion.None },
        { "DECIMAL(10,2)", "default", "numeric(10,2)", ValueConversion.None },
        { "NUMERIC(12, 4)", "default", "numeric(12,4)", ValueConversion.None },
        { "DECIMAL(7)", "default", "numeric(7)", ValueConversion.None },
        { "BOOLEAN", "default", "boolean", ValueConversion.IntegerToBoolean },
        { "BOOL", "default", "boolean", ValueConversion.IntegerToBoolean },
        { "BOOLEAN", "booleans=integer", "bigint", ValueConversion.None },
        { "DATE", "default", "text", ValueConversion.None },
        { "DATETIME", "default", "text", ValueConversion.None },
        { "TIMESTAMP", "default", "text", ValueConversion.None },
        { "DATETIME", "dates=iso", "timestamptz", ValueConversion.IsoTextToTimestamp },
        { "DATE", "dates=iso", "date", ValueConversion.IsoTextToTimestamp },
        { "TIMESTAMP", "dates=epoch_seconds", "timestamptz", ValueConversion.EpochSecondsToTimestamp },
        { "DATETIME", "dates=epoch_ms", "timestamptz", ValueConversion.EpochMillisecondsToTimestamp },
        { "TIME", "default", "text", ValueConversion.None },
        { "JSON", "default", "text", ValueConversion.None },
        { "JSON", "json=jsonb", "jsonb", ValueConversion.TextToJsonb },
    };

    public static TypeMappingOptions Options(string name) => name switch
    {
        "default" => TypeMappingOptions.Default,
        "booleans=integer" => new() { Booleans = BooleanMapping.Integer },
        "dates=iso" => new() { Dates = DateMapping.TimestampIso },
        "dates=epoch_seconds" => new() { Dates = DateMapping.TimestampEpochSeconds },
        "dates=epoch_ms" => new() { Dates = DateMapping.TimestampEpochMs },
        "json=jsonb" => new() { Json = JsonMapping.Jsonb },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}

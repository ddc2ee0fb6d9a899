using Cutover.PostgreSql.Types;
using Cutover.Schema;

namespace Cutover.PostgreSql.Tests;

public class PostgreSqlTypeMapperTests
{
    [Theory]
    [MemberData(nameof(TypeMappingTable.Rows), MemberType = typeof(TypeMappingTable))]
    public void Map_DeclaredType_GivesTheDocumentedType(string declared, string options, string expected, ValueConversion conversion)
    {
        var m = PostgreSqlTypeMapper.Map("c", declared, TypeMappingTable.Options(options));
        Assert.True(m.Succeeded, m.Error);
        Assert.Equal(expected, m.PostgreSqlType);
        Assert.Equal(conversion, m.Conversion);
        Assert.False(string.IsNullOrWhiteSpace(m.Reason));
    }

    [Theory]
    [InlineData("REAL")]
    [InlineData("FLOAT")]
    [InlineData("DOUBLE")]
    [InlineData("FLOAT4")]
    public void Map_RealAffinity_IsNeverFloat4(string declared)
    {
        var m = PostgreSqlTypeMapper.Map("c", declared);
        Assert.Equal("double precision", m.PostgreSqlType);
    }

    [Fact]
    public void Map_Untyped_RefusesWithThePlanFix()
    {
        var m = PostgreSqlTypeMapper.Map("payload", "");
        Assert.False(m.Succeeded);
        Assert.Null(m.PostgreSqlType);
        Assert.Contains("payload", m.Error, StringComparison.Ordinal);
        Assert.Contains("columns: { payload: { type: text } }", m.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_UntypedWithPlanType_UsesThePlanType()
    {
        var m = PostgreSqlTypeMapper.Map("payload", "", planType: "TEXT");
        Assert.True(m.Succeeded);
        Assert.Equal("text", m.PostgreSqlType);
    }

    [Theory]
    [InlineData("char(3)", "char(3)")]
    [InlineData("numeric(12, 2)", "numeric(12, 2)")]
    [InlineData("timestamp  with time zone", "timestamp with time zone")]
    [InlineData("text[]", "text[]")]
    public void Map_PlanType_WinsOverTheDeclaredType(string planType, string expected) =>
        Assert.Equal(expected, PostgreSqlTypeMapper.Map("c", "CHAR(3)", planType: planType).PostgreSqlType);

    [Theory]
    [InlineData("text; DROP TABLE users")]
    [InlineData("text\"")]
    [InlineData("")]
    public void Map_PlanTypeThatIsNotATypeName_IsRefused(string planType)
    {
        var m = PostgreSqlTypeMapper.Map("c", "TEXT", planType: planType);
        Assert.False(m.Succeeded);
        Assert.Contains("not a PostgreSQL type name", m.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MONEY")]
    [InlineData("YEAR")]
    public void Map_UnknownNumericAffinityName_RefusesWithThePlanFix(string declared)
    {
        var m = PostgreSqlTypeMapper.Map("amount", declared);
        Assert.False(m.Succeeded);
        Assert.Contains("columns: { amount: { type: numeric } }", m.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DECIMAL(0)")]
    [InlineData("DECIMAL(10,20)")]
    [InlineData("NUMERIC(5,-1)")]
    [InlineData("NUMERIC(a,b)")]
    [InlineData("VARCHAR(0)")]
    public void Map_ImpossibleModifiers_Refuse(string declared) =>
        Assert.False(PostgreSqlTypeMapper.Map("c", declared).Succeeded);

    [Fact]
    public void Map_JsonAsJsonb_SaysTheTextIsNormalised()
    {
        var m = PostgreSqlTypeMapper.Map("doc", "JSON", new TypeMappingOptions { Json = JsonMapping.Jsonb });
        Assert.Contains("normalised", m.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ColumnKind.Timestamp, "DATETIME", "timestamptz")]
    [InlineData(ColumnKind.Timestamp, "INTEGER", "timestamptz")]
    [InlineData(ColumnKind.Timestamp, "timestamp with time zone", "timestamptz")]
    [InlineData(ColumnKind.Date, "DATE", "date")]
    [InlineData(ColumnKind.Json, "TEXT", "jsonb")]
    [InlineData(ColumnKind.Boolean, "INTEGER", "boolean")]
    [InlineData(ColumnKind.Integer, "BOOLEAN", "bigint")]
    [InlineData(ColumnKind.Integer, "integer", "integer")]
    [InlineData(ColumnKind.Integer, "smallint", "smallint")]
    [InlineData(ColumnKind.Real, "real", "real")]
    [InlineData(ColumnKind.Real, "double precision", "double precision")]
    [InlineData(ColumnKind.Text, "character varying(20)", "character varying(20)")]
    [InlineData(ColumnKind.Text, "character(3)", "character(3)")]
    [InlineData(ColumnKind.Text, "text", "text")]
    [InlineData(ColumnKind.Blob, "blob", "bytea")]
    [InlineData(ColumnKind.Numeric, "numeric(10,2)", "numeric(10,2)")]
    [InlineData(ColumnKind.Numeric, "numeric", "numeric")]
    [InlineData(ColumnKind.Other, "uuid", "uuid")]
    [InlineData(ColumnKind.Other, "timestamp(3) without time zone", "timestamp(3) without time zone")]
    [InlineData(ColumnKind.Other, "integer[]", "integer[]")]
    [InlineData(ColumnKind.Dynamic, "DATETIME", "text")]
    [InlineData(ColumnKind.Dynamic, "BOOLEAN", "boolean")]
    [InlineData(ColumnKind.Dynamic, "bytea", "bytea")]
    [InlineData(ColumnKind.Dynamic, "timestamp with time zone", "text")]
    public void Map_TargetColumn_ByItsKind(ColumnKind kind, string declared, string expected)
    {
        var m = PostgreSqlTypeMapper.Map(new TargetColumn("c", declared, false, null) { Kind = kind });
        Assert.True(m.Succeeded, m.Error);
        Assert.Equal(expected, m.PostgreSqlType);
    }

    [Theory]
    [InlineData("\"Mood\"")]
    [InlineData("public.mood")]
    public void Map_SourceTypeThatIsNotAPlainName_IsRefusedWithThePlanFix(string declared)
    {
        var m = PostgreSqlTypeMapper.Map(new TargetColumn("m", declared, false, null) { Kind = ColumnKind.Other });
        Assert.False(m.Succeeded);
        Assert.Contains("columns: { m: { type: text } }", m.Error, StringComparison.Ordinal);
    }
}

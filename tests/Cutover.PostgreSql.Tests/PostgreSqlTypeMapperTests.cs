using Cutover.PostgreSql.Types;

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
}

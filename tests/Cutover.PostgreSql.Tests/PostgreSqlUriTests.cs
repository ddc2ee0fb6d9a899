using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Npgsql;

namespace Cutover.PostgreSql.Tests;

public class PostgreSqlUriTests
{
    [Fact]
    public void Parse_FullUri_FillsEveryPart()
    {
        var b = PostgreSqlUri.Parse("postgres://app:pw@db.example:6543/app_v2?sslmode=require&application_name=cutover");
        Assert.Equal("app", b.Username);
        Assert.Equal("pw", b.Password);
        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("app_v2", b.Database);
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal("cutover", b.ApplicationName);
    }

    [Fact]
    public void Parse_PostgresqlScheme_IsAccepted()
    {
        var b = PostgreSqlUri.Parse("POSTGRESQL://app@localhost/app");
        Assert.Equal("localhost", b.Host);
        Assert.Equal(5432, b.Port);
    }

    [Fact]
    public void Parse_UrlEncodedSpecialCharacters_AreDecoded()
    {
        var b = PostgreSqlUri.Parse("postgres://cut%40over:s3cr%23t%3Ap%40ss%2Fword@127.0.0.1:5432/my%20db");
        Assert.Equal("cut@over", b.Username);
        Assert.Equal("s3cr#t:p@ss/word", b.Password);
        Assert.Equal("my db", b.Database);
    }

    [Fact]
    public void Parse_UnencodedAtInPassword_SplitsAtTheLastAt()
    {
        var b = PostgreSqlUri.Parse("postgres://app:p@ss@host/db");
        Assert.Equal("p@ss", b.Password);
        Assert.Equal("host", b.Host);
    }

    [Fact]
    public void Parse_NoPassword_LeavesItEmptyForPgpassFallback()
    {
        var b = PostgreSqlUri.Parse("postgres://app@host/db");
        Assert.True(string.IsNullOrEmpty(b.Password));
        Assert.Equal("app", b.Username);
    }

    [Fact]
    public void Parse_Ipv6Host_IsUnbracketed()
    {
        var b = PostgreSqlUri.Parse("postgres://app@[::1]:5433/db");
        Assert.Equal("::1", b.Host);
        Assert.Equal(5433, b.Port);
    }

    [Theory]
    [InlineData("postgres://app:hunter2@host", "names no database")]
    [InlineData("postgres://app:hunter2@host/", "names no database")]
    [InlineData("postgres://app:hunter2@/db", "names no host")]
    [InlineData("postgres://app:hunter2@host:99999/db", "port '99999'")]
    [InlineData("postgres://app:hunter2@host:abc/db", "port 'abc'")]
    [InlineData("postgres://:hunter2@host/db", "empty user name")]
    [InlineData("postgres://app:hunter2@host/db?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("postgres://app:hunter2@host/db?colour=blue", "unknown parameter 'colour'")]
    [InlineData("postgres://app:hunter2@[::1/db", "closing ']'")]
    [InlineData("mysql://app:hunter2@host/db", "postgres://")]
    public void Parse_BadUri_ThrowsPlanInvalidWithoutThePassword(string uri, string expected)
    {
        var ex = Assert.Throws<CutoverException>(() => PostgreSqlUri.Parse(uri));
        Assert.Equal(ErrorCodes.PlanInvalid, ex.Code);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PasswordQueryParameter_IsUsedAndNeverShownInErrors()
    {
        Assert.Equal("hunter2", PostgreSqlUri.Parse("postgres://app@host/db?password=hunter2").Password);
        var ex = Assert.Throws<CutoverException>(() => PostgreSqlUri.Parse("postgres://app@host/db?password=hunter2&bogus=1"));
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }
}

using Cutover.Connectors;
using Cutover.Errors;

namespace Cutover.PostgreSql.Tests;

public class PostgreSqlStoreProviderTests
{
    private readonly PostgreSqlStoreProvider _provider = new();

    [Theory]
    [InlineData("postgres://app@host/db", true)]
    [InlineData("postgresql://app@host/db", true)]
    [InlineData("Postgres://app@host/db", true)]
    [InlineData("sqlite:./app.db", false)]
    [InlineData("postgres:app", false)]
    public void Handles_Scheme_MatchesOnlyPostgreSql(string uri, bool expected) =>
        Assert.Equal(expected, _provider.Handles(uri));

    [Theory]
    [InlineData("postgres://app:hunter2@host:5432/db", "postgres://app:***@host:5432/db")]
    [InlineData("postgres://app:s3cr%23t%3Ap%40ss%2Fword@host/db", "postgres://app:***@host/db")]
    [InlineData("postgres://app:p@ss:w/o@rd@host/db", "postgres://app:***@host/db")]
    [InlineData("postgres://app@host/db?password=hunter2&sslmode=require", "postgres://app@host/db?password=***&sslmode=require")]
    [InlineData("postgres://host:5432/db", "postgres://host:5432/db")]
    [InlineData("postgres://app@host:5432/db", "postgres://app@host:5432/db")]
    public void Redact_Uri_MasksOnlyThePassword(string uri, string expected) =>
        Assert.Equal(expected, _provider.Redact(uri));

    [Fact]
    public void Redact_ConnectionStringOfParsedUri_HidesPassword()
    {
        var b = Internal.PostgreSqlUri.Parse("postgres://app:hunter2@host/db");
        var text = Redaction.Redact(b.ConnectionString);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("***", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenSourceAsync_NothingListening_SourceUnreachableTransientWithoutPassword()
    {
        var ex = await Assert.ThrowsAsync<CutoverException>(() => _provider.OpenSourceAsync("postgres://app:hunter2@127.0.0.1:1/db", ".", default));
        Assert.Equal(ErrorCodes.SourceUnreachable, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.Contains("postgres://app:***@127.0.0.1:1/db", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenTargetAsync_NothingListening_TargetUnreachable()
    {
        var ex = await Assert.ThrowsAsync<CutoverException>(() => _provider.OpenTargetAsync("postgres://app:hunter2@127.0.0.1:1/db", ".", false, default));
        Assert.Equal(ErrorCodes.TargetUnreachable, ex.Code);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }
}

using Cutover.Connectors;

namespace Cutover.Core.Tests.Connectors;

public class RedactionTests
{
    [Fact]
    public void Redact_UriWithPassword_HidesPasswordKeepsUserAndHost()
    {
        var s = Redaction.Redact("postgres://u:secret@h/db");

        Assert.DoesNotContain("secret", s, StringComparison.Ordinal);
        Assert.Equal("postgres://u:***@h/db", s);
    }

    [Fact]
    public void Redact_UriWithoutUserInfo_IsUnchanged()
    {
        Assert.Equal("postgres://h:5432/db", Redaction.Redact("postgres://h:5432/db"));
        Assert.Equal("sqlite:./app.db", Redaction.Redact("sqlite:./app.db"));
    }

    [Theory]
    [InlineData("Host=h;Password=x;Database=d", "Host=h;Password=***;Database=d")]
    [InlineData("Host=h;password = hunter2", "Host=h;password = ***")]
    [InlineData("Server=s;Pwd=p4ss;", "Server=s;Pwd=***;")]
    public void Redact_PasswordPair_IsMasked(string input, string expected)
    {
        Assert.Equal(expected, Redaction.Redact(input));
    }

    [Fact]
    public void Redact_TextWithSeveralSecrets_MasksAll()
    {
        var s = Redaction.Redact("from mysql://a:one@h1/x to Password=two;");

        Assert.DoesNotContain("one", s, StringComparison.Ordinal);
        Assert.DoesNotContain("two", s, StringComparison.Ordinal);
    }
}

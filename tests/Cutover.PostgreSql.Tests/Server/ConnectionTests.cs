using Cutover.Connectors;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Server;

public class ConnectionTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task Open_UriFromTheTestServer_IsPostgreSql15()
    {
        await using var conn = await server.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT version()", conn);
        var version = (string?)await cmd.ExecuteScalarAsync();
        Assert.Contains("PostgreSQL 15", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WrongPassword_ErrorShowsNeitherPassword()
    {
        var real = server.Builder.Password!;
        var b = server.Builder;
        b.Password = "wr0ng#p@ss";
        var ex = await Assert.ThrowsAnyAsync<NpgsqlException>(() => server.OpenAsync(b));
        var shown = Redaction.Redact(ex.ToString());
        Assert.Contains("password authentication failed", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(real, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("wr0ng#p@ss", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(real, new PostgreSqlStoreProvider().Redact(server.Uri), StringComparison.Ordinal);
        Assert.DoesNotContain(real, Redaction.Redact(b.ConnectionString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_UriWithoutPassword_UsesThePassfile()
    {
        var b = server.Builder;
        var password = b.Password!;
        var dir = Directory.CreateTempSubdirectory("cutover-pgpass-");
        try
        {
            var passfile = Path.Combine(dir.FullName, "pgpass");
            // pgpass escapes ':' and '\' with a backslash; the test password has a ':'.
            var escaped = password.Replace(@"\", @"\\", StringComparison.Ordinal).Replace(":", @"\:", StringComparison.Ordinal);
            await File.WriteAllTextAsync(passfile, $"{b.Host}:{b.Port}:{b.Database}:{b.Username}:{escaped}\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(passfile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var noPassword = Internal.PostgreSqlUri.Parse($"postgres://{Uri.EscapeDataString(b.Username!)}@{b.Host}:{b.Port}/{b.Database}");
            Assert.True(string.IsNullOrEmpty(noPassword.Password));
            noPassword.Pooling = false;
            noPassword.Passfile = passfile;

            await using var conn = await server.OpenAsync(noPassword);
            await using var cmd = new NpgsqlCommand("SELECT current_user", conn);
            Assert.Equal(b.Username, (string?)await cmd.ExecuteScalarAsync());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

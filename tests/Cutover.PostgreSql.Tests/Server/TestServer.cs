using Cutover.PostgreSql.Internal;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>
/// The throwaway PostgreSQL 15 that scripts/test.sh starts (scripts/services/postgres.sh). Without it the
/// server tests fail, loudly: a skipped test would hide that the connector was never run against a server.
/// </summary>
public sealed class TestServer
{
    public const string Variable = "CUTOVER_TEST_PG";

    public TestServer()
    {
        var uri = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(uri))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set. The PostgreSQL tests need the throwaway PostgreSQL 15 that scripts/test.sh starts and stops; "
                + "run scripts/test.sh, or run scripts/services/postgres.sh start and source the env file it prints.");
        }
        Uri = uri;
        var b = PostgreSqlUri.Parse(uri);
        b.Pooling = false;
        Builder = b;
    }

    public string Uri { get; }

    /// <summary>A fresh copy each time, so a test can change it.</summary>
    public NpgsqlConnectionStringBuilder Builder
    {
        get => new(field.ConnectionString);
        private init;
    }

    public async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder? builder = null)
    {
        var conn = new NpgsqlConnection((builder ?? Builder).ConnectionString);
        await conn.OpenAsync();
        return conn;
    }
}

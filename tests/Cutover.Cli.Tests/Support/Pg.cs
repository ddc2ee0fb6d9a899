using Npgsql;

namespace Cutover.Cli.Tests.Support;

/// <summary>
/// A fresh database on the throwaway PostgreSQL 15 that scripts/test.sh starts, read and written with Npgsql
/// directly (not through Cutover), dropped on dispose. Without CUTOVER_TEST_PG the tests fail: a skip would hide
/// that the CLI never ran against a server.
/// </summary>
public sealed class Pg : IDisposable
{
    public const string Variable = "CUTOVER_TEST_PG";

    private readonly string _server;

    public Pg()
    {
        var uri = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(uri))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set. The PostgreSQL end-to-end tests need the throwaway PostgreSQL 15 that scripts/test.sh starts and stops; "
                + "run scripts/test.sh, or run scripts/services/postgres.sh start and source the env file it prints.");
        }
        _server = uri;
        Database = "cutover_e2e_" + Guid.NewGuid().ToString("N");
        using (var admin = Open(ConnectionString(_server)))
        {
            Exec(admin, $"CREATE DATABASE {Database}");
        }
        Uri = _server[..(_server.LastIndexOf('/') + 1)] + Database;
    }

    public string Database { get; }

    /// <summary>The database's postgres:// URI, with the URL-encoded password, as a plan holds it.</summary>
    public string Uri { get; }

    /// <summary>The password as the server knows it (URL-decoded).</summary>
    public string Password => new NpgsqlConnectionStringBuilder(ConnectionString(_server)).Password!;

    /// <summary>The password as it appears in the URI (URL-encoded).</summary>
    public string EncodedPassword
    {
        get
        {
            var userInfo = new System.Uri(_server).UserInfo;
            return userInfo[(userInfo.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
    }

    public static string ConnectionString(string uri)
    {
        var u = new System.Uri(uri);
        var colon = u.UserInfo.IndexOf(':', StringComparison.Ordinal);
        return new NpgsqlConnectionStringBuilder
        {
            Host = u.Host,
            Port = u.Port > 0 ? u.Port : 5432,
            Username = System.Uri.UnescapeDataString(colon < 0 ? u.UserInfo : u.UserInfo[..colon]),
            Password = colon < 0 ? null : System.Uri.UnescapeDataString(u.UserInfo[(colon + 1)..]),
            Database = System.Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/')),
            Pooling = false,
        }.ConnectionString;
    }

    private static NpgsqlConnection Open(string connectionString)
    {
        var c = new NpgsqlConnection(connectionString);
        c.Open();
        return c;
    }

    private static void Exec(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public NpgsqlConnection Open() => Open(ConnectionString(Uri));

    public void Exec(string sql)
    {
        using var c = Open();
        Exec(c, sql);
    }

    public object? Scalar(string sql)
    {
        using var c = Open();
        using var cmd = new NpgsqlCommand(sql, c);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    public long Count(string table) => Convert.ToInt64(Scalar($"SELECT COUNT(*) FROM \"{table}\""));

    /// <summary>Tables in the public schema, sorted.</summary>
    public List<string> Tables()
    {
        using var c = Open();
        using var cmd = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", c);
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }
        return list;
    }

    /// <summary>Every row in the same fingerprint as <see cref="Db.Rows"/>, so SQLite and PostgreSQL rows compare directly.</summary>
    public List<string> Rows(string sql)
    {
        using var c = Open();
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
        {
            var cells = new string[r.FieldCount];
            for (var i = 0; i < r.FieldCount; i++)
            {
                cells[i] = r.IsDBNull(i) ? "NULL" : Db.Cell(r.GetValue(i));
            }
            rows.Add(string.Join("|", cells));
        }
        return rows;
    }

    public void Dispose()
    {
        using var admin = Open(ConnectionString(_server));
        // A server-side worker that is not ours (an autovacuum worker) can be attached for a moment; FORCE may not end it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Exec(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == "42501" && attempt < 10)
            {
                Thread.Sleep(300);
            }
        }
    }
}

using Cutover.Connectors;
using Cutover.Errors;
using Npgsql;

namespace Cutover.PostgreSql.Internal;

/// <summary>Opening connections and describing their failures the one way the stores do: never with the password in it.</summary>
internal static class PgConnect
{
    /// <summary>
    /// Opens a connection; a failure becomes <paramref name="code"/> with <c>cannot connect to WHAT: reason</c>, transient unless
    /// the server refused for good (a wrong password, a missing database).
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder b, string code, string what, CancellationToken ct)
    {
        var conn = new NpgsqlConnection(b.ConnectionString);
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            return conn;
        }
        catch (NpgsqlException ex)
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            var transient = ex is not PostgresException pg || pg.SqlState is "57P03" or "53300" or "08006" or "08001";
            throw new CutoverException(code, $"cannot connect to {what}: {Reason(ex, b)}", transient, ex);
        }
    }

    /// <summary>The server's or the driver's message, never the password.</summary>
    public static string Reason(NpgsqlException ex, NpgsqlConnectionStringBuilder b)
    {
        var reason = ex is PostgresException p ? p.MessageText : ex.Message;
        if (!string.IsNullOrEmpty(b.Password))
        {
            reason = reason.Replace(b.Password, "***", StringComparison.Ordinal);
        }
        return Redaction.Redact(reason);
    }
}

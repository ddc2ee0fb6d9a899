using Cutover.Errors;
using Npgsql;

namespace Cutover.PostgreSql.Internal;

/// <summary>
/// Turns <c>postgres://user:pass@host:port/db?sslmode=...</c> (or <c>postgresql://</c>) into Npgsql settings.
/// A URI without a password leaves it empty, so Npgsql falls back to PGPASSWORD, PGPASSFILE or ~/.pgpass.
/// Error messages show the URI redacted, never the password.
/// </summary>
internal static class PostgreSqlUri
{
    internal static readonly string[] Schemes = ["postgres://", "postgresql://"];

    public static bool IsPostgreSql(string uri) =>
        Schemes.Any(s => uri.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    public static NpgsqlConnectionStringBuilder Parse(string uri)
    {
        if (!IsPostgreSql(uri))
        {
            throw Invalid(uri, "does not start with postgres:// or postgresql://");
        }
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];

        var query = "";
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        // The userinfo ends at the last '@': an unencoded '@' in a password still parses.
        string? userInfo = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            userInfo = rest[..at];
            rest = rest[(at + 1)..];
        }
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var hostPort = slash >= 0 ? rest[..slash] : rest;
        var database = slash >= 0 ? Decode(uri, rest[(slash + 1)..], "database") : "";

        var b = new NpgsqlConnectionStringBuilder();
        if (userInfo is not null)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Decode(uri, colon >= 0 ? userInfo[..colon] : userInfo, "user name");
            if (user.Length == 0)
            {
                throw Invalid(uri, "has an empty user name; write postgres://USER@HOST/DB");
            }
            b.Username = user;
            if (colon >= 0)
            {
                var password = Decode(uri, userInfo[(colon + 1)..], "password");
                if (password.Length > 0)
                {
                    b.Password = password;
                }
            }
        }

        var (host, port) = SplitHostPort(uri, hostPort);
        b.Host = host;
        b.Port = port;
        if (database.Length == 0)
        {
            throw Invalid(uri, "names no database; write postgres://USER@HOST:5432/DATABASE");
        }
        b.Database = database;
        ApplyQuery(uri, query, b);
        return b;
    }

    private static (string Host, int Port) SplitHostPort(string uri, string hostPort)
    {
        string host;
        string? portText = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid(uri, "has an IPv6 host without its closing ']'");
            }
            host = hostPort[1..close];
            var after = hostPort[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    throw Invalid(uri, "has text after the IPv6 host; write postgres://USER@[::1]:5432/DB");
                }
                portText = after[1..];
            }
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            host = colon >= 0 ? hostPort[..colon] : hostPort;
            portText = colon >= 0 ? hostPort[(colon + 1)..] : null;
        }
        if (host.Length == 0)
        {
            throw Invalid(uri, "names no host; write postgres://USER@HOST:5432/DB");
        }
        var port = 5432;
        if (portText is not null
            && (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
                || port is < 1 or > 65535))
        {
            throw Invalid(uri, $"has port '{portText}', which is not a number from 1 to 65535");
        }
        return (Uri.UnescapeDataString(host), port);
    }

    private static void ApplyQuery(string uri, string query, NpgsqlConnectionStringBuilder b)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq >= 0 ? pair[..eq] : pair;
            var value = eq >= 0 ? Decode(uri, pair[(eq + 1)..], key) : "";
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    b.SslMode = value.ToLowerInvariant() switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw Invalid(uri, $"has sslmode '{value}'; use disable, allow, prefer, require, verify-ca or verify-full"),
                    };
                    break;
                case "application_name":
                    b.ApplicationName = value;
                    break;
                case "connect_timeout":
                    if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                    {
                        throw Invalid(uri, $"has connect_timeout '{value}', which is not a whole number of seconds");
                    }
                    b.Timeout = seconds;
                    break;
                case "passfile":
                    b.Passfile = value;
                    break;
                case "password":
                    // libpq allows it; it is honoured but, like the userinfo password, never shown.
                    b.Password = value;
                    break;
                default:
                    throw Invalid(uri, $"has the unknown parameter '{key}'; supported: sslmode, application_name, connect_timeout, passfile");
            }
        }
    }

    private static string Decode(string uri, string part, string what)
    {
        try
        {
            return Uri.UnescapeDataString(part);
        }
        catch (UriFormatException)
        {
            throw Invalid(uri, $"has a badly encoded {what}");
        }
    }

    private static CutoverException Invalid(string uri, string problem) =>
        new(ErrorCodes.PlanInvalid, $"'{PostgreSqlRedaction.Redact(uri)}' {problem}");
}

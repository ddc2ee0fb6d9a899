using Cutover.Connectors;

namespace Cutover.PostgreSql.Internal;

/// <summary>Masks the password of a PostgreSQL URI, including passwords with unencoded '@', ':' or '/'.</summary>
internal static class PostgreSqlRedaction
{
    public static string Redact(string uri)
    {
        var start = uri.IndexOf("://", StringComparison.Ordinal);
        var s = uri;
        if (start >= 0)
        {
            var userStart = start + 3;
            var end = s.IndexOfAny([':', '@'], userStart);
            var lastAt = s.LastIndexOf('@');
            // Over-masking a strange URI is fine; under-masking a password is not, so mask up to the last '@'.
            if (end >= 0 && s[end] == ':' && lastAt > end)
            {
                s = string.Concat(s.AsSpan(0, end + 1), "***", s.AsSpan(lastAt));
            }
        }
        var q = s.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return Redaction.Redact(s);
        }
        var parts = s[(q + 1)..].Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].StartsWith("password=", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = parts[i][..9] + "***";
            }
        }
        // The shared key=value rule would swallow the parameters after a password; mask each one here.
        return Redaction.Redact(s[..(q + 1)]) + string.Join('&', parts);
    }
}

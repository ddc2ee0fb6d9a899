using System.Globalization;
using Cutover.Values;

namespace Cutover.PostgreSql.Internal;

/// <summary>
/// Key bounds written into SQL, for statements that cannot take parameters (COPY). Each value becomes a literal of the type
/// <see cref="PgSql"/> binds it as (bigint, double precision, text, bytea, timestamptz, date, numeric from text, jsonb), so
/// the comparison is the one a parameterized read makes. Strings are E'' literals, which mean the same whatever
/// standard_conforming_strings says. A value with no exact literal here gives false, and the caller binds it instead.
/// </summary>
internal static class PgLiteral
{
    public static bool TryRender(object? value, out string sql)
    {
        sql = value switch
        {
            null => "NULL",
            long l => Quoted(l.ToString(CultureInfo.InvariantCulture)) + "::int8",
            int i => Quoted(i.ToString(CultureInfo.InvariantCulture)) + "::int4",
            double d => Quoted(d.ToString("R", CultureInfo.InvariantCulture)) + "::float8",
            string s when !s.Contains('\0', StringComparison.Ordinal) => Quoted(s) + "::text",
            byte[] b => $"decode('{Convert.ToHexString(b)}', 'hex')",
            Timestamp t when !t.IsFinite => Quoted(t.ToString()) + "::timestamptz",
            // ISO text in UTC is exact to the microsecond; PostgreSQL writes years outside 1..9999 another way.
            Timestamp t when t.ToString() is var iso && iso[0] is >= '0' and <= '9' && !iso.StartsWith("0000", StringComparison.Ordinal) && iso[4] == '-'
                => Quoted(iso) + "::timestamptz",
            Date d when !d.IsFinite => Quoted(d.ToString()) + "::date",
            Date d => $"('2000-01-01'::date + {d.Days.ToString(CultureInfo.InvariantCulture)})",
            Numeric n => Quoted(n.Text) + "::text::numeric",
            Json j when !j.Text.Contains('\0', StringComparison.Ordinal) => Quoted(j.Text) + "::jsonb",
            _ => "",
        };
        return sql.Length > 0;
    }

    private static string Quoted(string s) =>
        "E'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
}

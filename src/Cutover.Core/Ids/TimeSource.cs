using System.Globalization;

namespace Cutover.Ids;

/// <summary>
/// Reads the time of a row from the column named by <c>rekey.time_from</c>: ISO-8601 text (UTC assumed when
/// no offset is given), a Unix epoch number (seconds; milliseconds when larger than 10^11), or a timestamp or date
/// (a PostgreSQL source's timestamptz or date).
/// </summary>
public static class TimeSource
{
    public static bool TryGetMilliseconds(object? value, out long ms)
    {
        ms = 0;
        switch (value)
        {
            case long l:
                ms = Math.Abs(l) > 100_000_000_000L ? l : l * 1000;
                return ms >= 0;
            case double d when !double.IsNaN(d) && !double.IsInfinity(d):
                ms = Math.Abs(d) > 1e11 ? (long)d : (long)Math.Floor(d * 1000);
                return ms >= 0;
            // A PostgreSQL timestamptz (or a column the plan read as dates): the instant itself.
            case Cutover.Values.Timestamp t when t.IsFinite:
                ms = (long)Math.Floor(t.UnixMicroseconds / 1000.0);
                return ms >= 0;
            case Cutover.Values.Date d when d.IsFinite:
                ms = ((long)d.Days + 10957) * 86_400_000L;
                return ms >= 0;
            case string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n):
                return TryGetMilliseconds(n, out ms);
            case string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var t):
                ms = t.ToUnixTimeMilliseconds();
                return ms >= 0;
            default:
                return false;
        }
    }
}

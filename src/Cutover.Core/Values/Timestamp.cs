using System.Globalization;

namespace Cutover.Values;

/// <summary>
/// An instant as PostgreSQL's <c>timestamptz</c> holds it: whole microseconds since 2000-01-01T00:00:00Z, with
/// <see cref="long.MaxValue"/> and <see cref="long.MinValue"/> standing for <c>infinity</c> and <c>-infinity</c>. Its text
/// form is ISO 8601 in UTC with exactly six fraction digits, <c>2024-05-01T12:34:56.789000Z</c>, which sorts as text in time
/// order (for years 0000 to 9999).
/// </summary>
public readonly record struct Timestamp(long Microseconds) : IComparable<Timestamp>
{
    public const long MicrosecondsPerDay = 86_400_000_000L;

    /// <summary>Microseconds from 1970-01-01 to 2000-01-01.</summary>
    public const long UnixToPostgres = 946_684_800_000_000L;

    /// <summary>PostgreSQL's range: 4714-11-24 BC (inclusive) to 294277-01-01 (exclusive).</summary>
    public const long MinMicroseconds = -211_813_488_000_000_000L;

    public const long EndMicroseconds = 9_223_371_331_200_000_000L;

    public static Timestamp Infinity => new(long.MaxValue);

    public static Timestamp MinusInfinity => new(long.MinValue);

    public bool IsFinite => Microseconds is not (long.MaxValue or long.MinValue);

    /// <summary>From microseconds since 1970-01-01T00:00:00Z; false when the instant is outside PostgreSQL's range.</summary>
    public static bool TryFromUnixMicroseconds(long unixMicroseconds, out Timestamp value)
    {
        value = default;
        if (unixMicroseconds < MinMicroseconds + UnixToPostgres || unixMicroseconds - UnixToPostgres >= EndMicroseconds)
        {
            return false;
        }
        value = new Timestamp(unixMicroseconds - UnixToPostgres);
        return true;
    }

    /// <summary>Microseconds since 1970-01-01T00:00:00Z (finite values only).</summary>
    public long UnixMicroseconds => Microseconds + UnixToPostgres;

    /// <summary>
    /// Parses ISO-8601 text: <c>YYYY-MM-DD</c> (midnight), optionally followed by <c>T</c> or a space and
    /// <c>HH:MM[:SS[.fraction]]</c>, optionally followed by <c>Z</c> or an offset <c>±HH[:MM]</c> (text without one is UTC).
    /// A fraction finer than a microsecond is refused unless its extra digits are zeros, so nothing is rounded.
    /// </summary>
    public static bool TryParseIso(string text, out Timestamp value, out string reason) => TryParseIso(text, 0, out value, out _, out reason);

    /// <summary>
    /// <see cref="TryParseIso(string, out Timestamp, out string)"/>, reading text without <c>Z</c> or an offset at
    /// <paramref name="offsetMinutesWhenNone"/> minutes east of UTC instead of at UTC; <paramref name="hasTime"/> says whether
    /// the text had a time of day (<c>YYYY-MM-DD</c> alone is midnight).
    /// </summary>
    internal static bool TryParseIso(string text, long offsetMinutesWhenNone, out Timestamp value, out bool hasTime, out string reason)
    {
        value = default;
        hasTime = false;
        if (!IsoParts.TryDate(text, 0, out var days, out var i, out reason))
        {
            return false;
        }
        long micros = 0;
        var offsetMinutes = offsetMinutesWhenNone;
        if (i < text.Length)
        {
            hasTime = true;
            if (text[i] is not ('T' or 't' or ' ') || !IsoParts.TryTime(text, i + 1, out micros, out i, out reason))
            {
                reason = reason.Length > 0 ? reason : Expected;
                return false;
            }
            if (i < text.Length && !IsoParts.TryZone(text, i, out offsetMinutes, out reason))
            {
                return false;
            }
        }
        var unix = (days * MicrosecondsPerDay) + micros - (offsetMinutes * 60_000_000L);
        if (!TryFromUnixMicroseconds(unix, out value))
        {
            reason = "is outside PostgreSQL's timestamp range";
            return false;
        }
        return true;
    }

    internal const string Expected = "is not ISO-8601 (YYYY-MM-DD, then optionally T or a space, HH:MM[:SS[.ffffff]] and Z or ±HH:MM)";

    public int CompareTo(Timestamp other) => Microseconds.CompareTo(other.Microseconds);

    public override string ToString()
    {
        if (!IsFinite)
        {
            return Microseconds > 0 ? "infinity" : "-infinity";
        }
        // Counted from 2000-01-01 first: adding the Unix offset to PostgreSQL's last microseconds would overflow.
        var days = Math.DivRem(Microseconds, MicrosecondsPerDay, out var rest);
        if (rest < 0)
        {
            days--;
            rest += MicrosecondsPerDay;
        }
        var (y, m, d) = Calendar.CivilFromDays(days + Calendar.UnixToPostgresDays);
        var seconds = Math.DivRem(rest, 1_000_000, out var fraction);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Calendar.Year(y)}-{m:D2}-{d:D2}T{seconds / 3600:D2}:{seconds / 60 % 60:D2}:{seconds % 60:D2}.{fraction:D6}Z");
    }
}

using System.Globalization;

namespace Cutover.Values;

/// <summary>
/// A calendar date as PostgreSQL's <c>date</c> holds it: days since 2000-01-01, with <see cref="int.MaxValue"/> and
/// <see cref="int.MinValue"/> standing for <c>infinity</c> and <c>-infinity</c>. Its text form is <c>YYYY-MM-DD</c>.
/// </summary>
public readonly record struct Date(int Days) : IComparable<Date>
{
    public static Date Infinity => new(int.MaxValue);

    public static Date MinusInfinity => new(int.MinValue);

    public bool IsFinite => Days is not (int.MaxValue or int.MinValue);

    /// <summary>Parses exactly <c>YYYY-MM-DD</c> (a real day of the proleptic Gregorian calendar, year 0000 to 9999).</summary>
    public static bool TryParseIso(string text, out Date date, out string reason)
    {
        date = default;
        if (!IsoParts.TryDate(text, 0, out var days, out var end, out reason) || end != text.Length)
        {
            reason = reason.Length > 0 ? reason : "is not an ISO-8601 date (YYYY-MM-DD)";
            return false;
        }
        date = new Date((int)(days - Calendar.UnixToPostgresDays));
        return true;
    }

    public int CompareTo(Date other) => Days.CompareTo(other.Days);

    public override string ToString()
    {
        if (!IsFinite)
        {
            return Days > 0 ? "infinity" : "-infinity";
        }
        var (y, m, d) = Calendar.CivilFromDays((long)Days + Calendar.UnixToPostgresDays);
        return string.Create(CultureInfo.InvariantCulture, $"{Calendar.Year(y)}-{m:D2}-{d:D2}");
    }
}

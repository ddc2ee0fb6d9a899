namespace Cutover.Values;

/// <summary>
/// Proleptic Gregorian calendar arithmetic over day numbers (days since 1970-01-01), for every year PostgreSQL holds, where
/// <see cref="DateTime"/> stops at 1..9999. Years are astronomical: year 0 is 1 BC.
/// </summary>
internal static class Calendar
{
    /// <summary>Days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.</summary>
    public const int UnixToPostgresDays = 10957;

    public static bool IsLeap(long year) => year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

    public static int DaysInMonth(long year, int month) => month switch
    {
        2 => IsLeap(year) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    /// <summary>Days since 1970-01-01 of a date (any year).</summary>
    public static long DaysFromCivil(long year, int month, int day)
    {
        // Count in 400-year eras starting on March 1, so February's leap day is the last day of the year.
        var y = month <= 2 ? year - 1 : year;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146097) + dayOfEra - 719468;
    }

    /// <summary>The date of a day number (days since 1970-01-01).</summary>
    public static (long Year, int Month, int Day) CivilFromDays(long days)
    {
        var z = days + 719468;
        var era = (z >= 0 ? z : z - 146096) / 146097;
        var dayOfEra = z - (era * 146097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36524) - (dayOfEra / 146096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var mp = ((5 * dayOfYear) + 2) / 153;
        var day = (int)(dayOfYear - (((153 * mp) + 2) / 5) + 1);
        var month = (int)(mp < 10 ? mp + 3 : mp - 9);
        return ((yearOfEra + (era * 400)) + (month <= 2 ? 1 : 0), month, day);
    }

    /// <summary>ISO 8601 year: four digits for 0000–9999, else a sign and at least four digits (<c>-0043</c>, <c>+10000</c>).</summary>
    public static string Year(long year) => year is >= 0 and <= 9999
        ? year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)
        : (year < 0 ? "-" : "+") + Math.Abs(year).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
}

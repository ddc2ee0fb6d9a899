namespace Cutover.Values;

/// <summary>The pieces of the strict ISO-8601 forms <see cref="Date"/> and <see cref="Timestamp"/> read.</summary>
internal static class IsoParts
{
    /// <summary><c>YYYY-MM-DD</c> at <paramref name="start"/>: days since 1970-01-01 and the index after it.</summary>
    public static bool TryDate(string s, int start, out long days, out int end, out string reason)
    {
        days = 0;
        end = start;
        reason = "";
        if (s.Length < start + 10 || s[start + 4] != '-' || s[start + 7] != '-'
            || !TryDigits(s, start, 4, out var year) || !TryDigits(s, start + 5, 2, out var month) || !TryDigits(s, start + 8, 2, out var day))
        {
            reason = Timestamp.Expected;
            return false;
        }
        if (month is < 1 or > 12 || day < 1 || day > Calendar.DaysInMonth(year, (int)month))
        {
            reason = $"is not a date: there is no day {s.Substring(start, 10)}";
            return false;
        }
        days = Calendar.DaysFromCivil(year, (int)month, (int)day);
        end = start + 10;
        return true;
    }

    /// <summary><c>HH:MM[:SS[.fraction]]</c>: microseconds into the day.</summary>
    public static bool TryTime(string s, int start, out long micros, out int end, out string reason)
    {
        micros = 0;
        end = start;
        reason = "";
        if (s.Length < start + 5 || s[start + 2] != ':' || !TryDigits(s, start, 2, out var h) || !TryDigits(s, start + 3, 2, out var m))
        {
            return false;
        }
        var i = start + 5;
        long sec = 0;
        long fraction = 0;
        if (i < s.Length && s[i] == ':')
        {
            if (!TryDigits(s, i + 1, 2, out sec))
            {
                return false;
            }
            i += 3;
            if (i < s.Length && s[i] == '.')
            {
                var digits = 0;
                i++;
                for (; i < s.Length && char.IsAsciiDigit(s[i]); i++, digits++)
                {
                    if (digits < 6)
                    {
                        fraction = (fraction * 10) + (s[i] - '0');
                    }
                    else if (s[i] != '0')
                    {
                        reason = "has a fraction of a second finer than a microsecond, which timestamptz cannot hold (it would be rounded)";
                        return false;
                    }
                }
                if (digits == 0)
                {
                    return false;
                }
                for (; digits < 6; digits++)
                {
                    fraction *= 10;
                }
            }
        }
        if (h > 23 || m > 59 || sec > 59)
        {
            reason = "is not a time of day (hours 00-23, minutes and seconds 00-59)";
            return false;
        }
        micros = (((h * 60) + m) * 60 + sec) * 1_000_000 + fraction;
        end = i;
        return true;
    }

    /// <summary>The rest of the text: <c>Z</c>, or <c>±HH</c>, <c>±HHMM</c>, <c>±HH:MM</c>, optionally after one space.</summary>
    public static bool TryZone(string s, int start, out long offsetMinutes, out string reason)
    {
        offsetMinutes = 0;
        reason = Timestamp.Expected;
        var i = start < s.Length && s[start] == ' ' ? start + 1 : start;
        if (i < s.Length && s[i] is 'Z' or 'z')
        {
            return i + 1 == s.Length;
        }
        if (i >= s.Length || s[i] is not ('+' or '-') || !TryDigits(s, i + 1, 2, out var h))
        {
            return false;
        }
        var sign = s[i] == '-' ? -1 : 1;
        i += 3;
        long m = 0;
        if (i < s.Length)
        {
            if (s[i] == ':')
            {
                i++;
            }
            if (!TryDigits(s, i, 2, out m) || i + 2 != s.Length)
            {
                return false;
            }
        }
        if (h > 23 || m > 59)
        {
            reason = "has a UTC offset out of range";
            return false;
        }
        offsetMinutes = sign * ((h * 60) + m);
        reason = "";
        return true;
    }

    private static bool TryDigits(string s, int start, int count, out long value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
            value = (value * 10) + (s[i] - '0');
        }
        return true;
    }
}

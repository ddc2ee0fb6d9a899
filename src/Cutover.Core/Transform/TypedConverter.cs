using System.Globalization;
using Cutover.Values;

namespace Cutover.Transform;

/// <summary>
/// Applies a <see cref="ColumnConversion"/>: parses what SQLite stored into a typed value, or says why it cannot. Nothing is
/// guessed: text that is not ISO-8601 is not tried as another date format, a number is not taken for ISO text, and a
/// fraction of a second finer than a microsecond is refused rather than rounded.
/// </summary>
public static class TypedConverter
{
    /// <summary>The plan option a conversion comes from, for messages.</summary>
    public static string Option(ColumnConversion conversion) => conversion switch
    {
        ColumnConversion.IsoTimestamp or ColumnConversion.IsoDate => "dates: iso",
        ColumnConversion.EpochSeconds => "dates: epoch_seconds",
        ColumnConversion.EpochMilliseconds => "dates: epoch_ms",
        ColumnConversion.Json => "json: jsonb",
        _ => "",
    };

    public static bool TryConvert(object? value, ColumnConversion conversion, out object? result, out string reason)
    {
        result = value;
        reason = "";
        if (value is null || conversion == ColumnConversion.None)
        {
            return true;
        }
        if (value is RawText)
        {
            reason = "holds text that is not valid UTF-8";
            result = null;
            return false;
        }
        var ok = conversion switch
        {
            ColumnConversion.IsoTimestamp => IsoTimestamp(value, out result, out reason),
            ColumnConversion.IsoDate => IsoDate(value, out result, out reason),
            ColumnConversion.EpochSeconds => Epoch(value, 1_000_000, "seconds", out result, out reason),
            ColumnConversion.EpochMilliseconds => Epoch(value, 1_000, "milliseconds", out result, out reason),
            ColumnConversion.Json => ToJson(value, out result, out reason),
            _ => true,
        };
        if (!ok)
        {
            result = null;
        }
        return ok;
    }

    private static bool IsoTimestamp(object value, out object? result, out string reason)
    {
        result = null;
        switch (value)
        {
            case Timestamp:
                result = value;
                reason = "";
                return true;
            case string s:
                if (Timestamp.TryParseIso(s, out var t, out var why))
                {
                    result = t;
                    reason = "";
                    return true;
                }
                reason = $"{Quote(s)} {why}";
                return false;
            default:
                reason = NotText(value, "an ISO-8601 date and time")
                    + (value is long or double ? "; if the column holds Unix times, set dates: epoch_seconds or epoch_ms for it" : "");
                return false;
        }
    }

    private static bool IsoDate(object value, out object? result, out string reason)
    {
        result = null;
        switch (value)
        {
            case Date:
                result = value;
                reason = "";
                return true;
            case string s:
                if (Date.TryParseIso(s, out var d, out var why))
                {
                    result = d;
                    reason = "";
                    return true;
                }
                reason = $"{Quote(s)} {why}; a DATE column under dates: iso holds YYYY-MM-DD (give it type: timestamptz for dates with times)";
                return false;
            default:
                reason = NotText(value, "an ISO-8601 date (YYYY-MM-DD)");
                return false;
        }
    }

    private static bool Epoch(object value, long microsPerUnit, string unit, out object? result, out string reason)
    {
        result = null;
        reason = "";
        if (value is Timestamp)
        {
            result = value;
            return true;
        }
        var number = value switch
        {
            string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
            string s when double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var d) => d,
            long or double => value,
            _ => null,
        };
        long micros;
        switch (number)
        {
            case long l when l <= long.MaxValue / microsPerUnit && l >= long.MinValue / microsPerUnit:
                micros = l * microsPerUnit;
                break;
            case double d when double.IsFinite(d) && Math.Abs(d * microsPerUnit) < 9.2e18:
                // A REAL of seconds (1714566896.123456) is not exactly representable; the nearest microsecond is the value meant.
                micros = (long)Math.Round(d * microsPerUnit, MidpointRounding.AwayFromZero);
                break;
            case long or double:
                reason = $"{Value.Display(number)} Unix {unit} is outside PostgreSQL's timestamp range";
                return false;
            default:
                reason = $"{Quote(value)} is not a number of Unix {unit}";
                return false;
        }
        if (!Timestamp.TryFromUnixMicroseconds(micros, out var t))
        {
            reason = $"{Value.Display(number)} Unix {unit} is outside PostgreSQL's timestamp range";
            return false;
        }
        result = t;
        return true;
    }

    private static bool ToJson(object value, out object? result, out string reason)
    {
        result = null;
        reason = "";
        switch (value)
        {
            case Json:
                result = value;
                return true;
            case string s:
                if (Json.TryParse(s, out var parsed, out var why))
                {
                    result = parsed;
                    return true;
                }
                reason = $"{Quote(s)} {why}";
                return false;
            // SQLite's NUMERIC affinity stores the JSON documents 1 and 2.5 as numbers.
            case long l:
                result = Json.FromNumber(l);
                return true;
            case double d when Json.TryFromNumber(d, out var j, out reason):
                result = j;
                return true;
            default:
                reason = NotText(value, "JSON");
                return false;
        }
    }

    private static string NotText(object value, string what) => value switch
    {
        long or double => $"{Value.Display(value)} is a number, not {what}",
        byte[] b => $"a {b.Length}-byte BLOB is not {what}",
        _ => $"{Quote(value)} is not {what}",
    };

    private static string Quote(object value) => value is string s ? $"'{(s.Length > 40 ? s[..40] + "…" : s)}'" : Value.Display(value);
}

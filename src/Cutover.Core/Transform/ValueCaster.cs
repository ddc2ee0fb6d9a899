using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Cutover.Values;

namespace Cutover.Transform;

/// <summary>
/// Casts toward an affinity. INTEGER, REAL and TEXT are strict: unlike SQLite's own coercion, a value that does not
/// convert without loss is refused (the row is recorded as <c>CAST_FAILED</c>) instead of being stored as another kind.
/// NUMERIC follows SQLite: numbers are normalised, other values are kept.
/// </summary>
public static class ValueCaster
{
    /// <summary>Casts <paramref name="value"/>; returns false with a reason when it cannot be converted exactly.</summary>
    public static bool TryCast(object? value, Affinity to, out object? result, out string reason)
    {
        reason = "";
        result = value;
        if (value is null)
        {
            return true;
        }
        if (to != Affinity.Blob && value is Timestamp or Date or Json or Numeric)
        {
            // A typed value (from a PostgreSQL source) is cast from its text form: a decimal from its exact digits.
            value = value is Numeric n ? n.Canonical : Value.Untyped(value)!;
        }
        switch (to)
        {
            case Affinity.Integer:
                return ToInteger(value, out result, out reason);
            case Affinity.Real:
                return ToReal(value, out result, out reason);
            case Affinity.Text:
                return ToText(value, out result, out reason);
            case Affinity.Numeric:
                // NUMERIC is what dates, booleans and decimals get (timestamptz, datetime, boolean, decimal(10,2)):
                // numbers are normalised as SQLite would, anything else (ISO dates, 'true') is kept as it is.
                if (value is not (string or long or double) || ToInteger(value, out result, out _) || ToReal(value, out result, out _))
                {
                    return true;
                }
                result = value;
                return true;
            default:
                return true;
        }
    }

    private static bool ToInteger(object value, out object? result, out string reason)
    {
        reason = "";
        result = null;
        switch (value)
        {
            case long:
                result = value;
                return true;
            case double d when Math.Floor(d) == d && d >= long.MinValue && d < 9.2233720368547758E18:
                result = (long)d;
                return true;
            case string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                result = l;
                return true;
            // Decimal, not double: "12.000000000000000001" is 12.0 as a double and would lose its fraction.
            case string s when decimal.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && decimal.Truncate(m) == m && Math.Abs(m) < 9.0E15m:
                result = (long)m;
                return true;
            default:
                reason = $"{Describe(value)} is not a whole number";
                return false;
        }
    }

    private static bool ToReal(object value, out object? result, out string reason)
    {
        reason = "";
        result = null;
        switch (value)
        {
            case double:
                result = value;
                return true;
            case long l:
                var asDouble = (double)l;
                result = asDouble;
                // (long)2^63 saturates to long.MaxValue, so 2^63 must be refused before the round-trip check.
                if (asDouble >= 9.2233720368547758E18 || (long)asDouble != l)
                {
                    reason = $"{l} does not fit a double exactly";
                    return false;
                }
                return true;
            case string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                result = d;
                return true;
            default:
                reason = $"{Describe(value)} is not a number";
                return false;
        }
    }

    private static bool ToText(object value, out object? result, out string reason)
    {
        reason = "";
        switch (value)
        {
            case string or RawText:
                result = value;
                return true;
            case long l:
                result = l.ToString(CultureInfo.InvariantCulture);
                return true;
            case double d:
                result = d.ToString("R", CultureInfo.InvariantCulture);
                return true;
            case byte[] b when Utf8.IsValid(b):
                result = Encoding.UTF8.GetString(b);
                return true;
            default:
                result = null;
                reason = "a BLOB that is not UTF-8 text cannot become TEXT";
                return false;
        }
    }

    private static string Describe(object value) => value switch
    {
        string s => $"'{(s.Length > 40 ? s[..40] + "…" : s)}'",
        byte[] b => $"a {b.Length}-byte BLOB",
        _ => Value.Display(value),
    };
}

using System.Globalization;
using Cutover.Plan;
using Cutover.Values;

namespace Cutover.Verification.Normalization;

/// <summary>
/// One column's <see cref="NormalizeRule"/>, applied in the documented order: map, json, trim, case, timestamps, float. Each
/// step touches only the values it is about and leaves every other value exactly as it is, kind included. Apart from the
/// float tolerance, two values are the same exactly when their normalized forms encode alike, so the checksum and the
/// comparison cannot disagree.
/// </summary>
internal sealed class ColumnNormalizer
{
    private readonly NormalizeRule _rule;
    private readonly long _timestampUnit;
    private readonly int _gridExponent;

    public ColumnNormalizer(NormalizeRule rule)
    {
        _rule = rule;
        _timestampUnit = rule.Timestamps switch
        {
            TimestampPrecision.Seconds => 1_000_000L,
            TimestampPrecision.Milliseconds => 1_000L,
            _ => 1L,
        };
        _gridExponent = rule.FloatTolerance is { } t ? FloatGrid.StepExponent(t) : 0;
    }

    /// <summary>The value as checksums hash it: normalized, and a double put on the tolerance's grid.</summary>
    public object? ForChecksum(object? value) => OnGrid(Prepare(value));

    /// <summary>
    /// Doubles within the tolerance are the same (NaN only as NaN, an infinity only as itself); otherwise values are the same
    /// when their checksum forms encode alike.
    /// </summary>
    public bool Same(object? source, object? target)
    {
        var a = Prepare(source);
        var b = Prepare(target);
        if (_rule.FloatTolerance is { } t && a is double x && b is double y && double.IsFinite(x) && double.IsFinite(y) && Math.Abs(x - y) <= t)
        {
            return true;
        }
        return CanonicalEquality.Equal(OnGrid(a), OnGrid(b));
    }

    private object? OnGrid(object? v) => _rule.FloatTolerance is not null && v is double d ? FloatGrid.Snap(d, _gridExponent) : v;

    /// <summary>One line per option, for reports.</summary>
    public IEnumerable<string> Describe()
    {
        var c = _rule.Column;
        if (_rule.Map is { } map)
        {
            var pairs = map.Take(5).Select(p => $"{p.Key} -> {p.Value}");
            var more = map.Count > 5 ? $", and {map.Count - 5} more" : "";
            yield return $"{c}: values mapped before comparing ({string.Join(", ", pairs)}{more})";
        }
        if (_rule.Json)
        {
            yield return $"{c}: JSON compared as data (key order, whitespace, number spelling ignored)";
        }
        if (_rule.TrimTrailingSpaces)
        {
            yield return $"{c}: trailing spaces of text ignored";
        }
        if (_rule.CaseInsensitive)
        {
            yield return $"{c}: text compared ignoring case";
        }
        if (_rule.Timestamps is { } p)
        {
            var unit = p switch { TimestampPrecision.Seconds => "s", TimestampPrecision.Milliseconds => "ms", _ => "us" };
            yield return $"{c}: timestamps to {unit} (text without offset read in {_rule.TimeZoneText})";
        }
        if (_rule.FloatTolerance is { } t)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{c}: doubles within {t:R} of each other are the same");
        }
    }

    /// <summary>Every step but the float grid.</summary>
    private object? Prepare(object? v)
    {
        if (_rule.Map is { } map && TextForm(v) is { } key && map.TryGetValue(key, out var mapped))
        {
            v = mapped;
        }
        if (_rule.Json && v is string text && Json.TryParse(text, out var json, out _))
        {
            // A Json value is already compared by its canonical text; text becomes one when it parses.
            v = json;
        }
        if (_rule.TrimTrailingSpaces && v is string untrimmed)
        {
            v = untrimmed.TrimEnd(' ');
        }
        if (_rule.CaseInsensitive && v is string cased)
        {
            v = cased.ToUpperInvariant();
        }
        if (_rule.Timestamps is not null)
        {
            v = Instant(v);
        }
        return v;
    }

    private static string? TextForm(object? v) => v switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s => s,
        _ => null,
    };

    /// <summary>A timestamp, or text holding one with a time of day, truncated to the precision; anything else as it is.</summary>
    private object? Instant(object? v)
    {
        Timestamp t;
        if (v is Timestamp ts)
        {
            t = ts;
        }
        else if (v is string s && Timestamp.TryParseIso(s, _rule.TimeZoneMinutes, out var parsed, out var hasTime, out _) && hasTime)
        {
            t = parsed;
        }
        else
        {
            return v;
        }
        if (t.Microseconds < Timestamp.MinMicroseconds || t.Microseconds >= Timestamp.EndMicroseconds)
        {
            // Infinities, and values outside PostgreSQL's range (which truncating could overflow), are compared as they are.
            return t;
        }
        var rest = t.Microseconds % _timestampUnit;
        return new Timestamp(t.Microseconds - (rest < 0 ? rest + _timestampUnit : rest));
    }
}

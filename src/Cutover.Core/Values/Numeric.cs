using System.Globalization;

namespace Cutover.Values;

/// <summary>
/// An exact decimal, as PostgreSQL <c>numeric</c> holds it. <see cref="Text"/> is the value as it was read (<c>12.50</c> from a
/// <c>numeric(5,2)</c>), <see cref="Canonical"/> its value in <see cref="DecimalText"/>'s canonical form (<c>12.5</c>), which is
/// what checksums and equality use. Also <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c>, as PostgreSQL 14+ numeric has them.
/// </summary>
public sealed class Numeric : IEquatable<Numeric>
{
    private Numeric(string text, string canonical, int integerDigits, int fractionDigits)
    {
        Text = text;
        Canonical = canonical;
        IntegerDigits = integerDigits;
        FractionDigits = fractionDigits;
    }

    public string Text { get; }

    public string Canonical { get; }

    /// <summary>Digits before the point in the canonical form, leading zeros not counted (0 for NaN and infinities).</summary>
    public int IntegerDigits { get; }

    /// <summary>Digits after the point in the canonical form, trailing zeros not counted.</summary>
    public int FractionDigits { get; }

    public bool IsFinite => Canonical is not ("NaN" or "Infinity" or "-Infinity");

    public static bool TryParse(string text, out Numeric? value, out string reason)
    {
        value = null;
        var special = text.Trim().ToLowerInvariant() switch
        {
            "nan" => "NaN",
            "infinity" or "+infinity" or "inf" or "+inf" => "Infinity",
            "-infinity" or "-inf" => "-Infinity",
            _ => null,
        };
        if (special is not null)
        {
            value = new Numeric(text, special, 0, 0);
            reason = "";
            return true;
        }
        if (!DecimalText.TryNormalize(text, out var canonical, out var i, out var f, out reason))
        {
            return false;
        }
        value = new Numeric(text, canonical, i, f);
        return true;
    }

    /// <summary>Parses text PostgreSQL printed for a numeric; throws when it is not a number (it always is).</summary>
    public static Numeric Parse(string text) =>
        TryParse(text, out var value, out var reason) ? value! : throw new FormatException($"'{text}' {reason}");

    public static Numeric FromInteger(long value) => Parse(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A double as the exact decimal of its shortest round-trip text (what PostgreSQL receives for it): 0.1 is 0.1.</summary>
    public static Numeric FromDouble(double value) => Parse(value.ToString("R", CultureInfo.InvariantCulture));

    public bool Equals(Numeric? other) => other is not null && Canonical == other.Canonical;

    public override bool Equals(object? obj) => Equals(obj as Numeric);

    public override int GetHashCode() => Canonical.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;
}

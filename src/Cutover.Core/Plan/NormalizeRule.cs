using System.Globalization;

namespace Cutover.Plan;

/// <summary>
/// How verification compares one target column (<c>normalize:</c>), so representation differences that are not data
/// differences do not count: instants to a precision, doubles within a tolerance, mapped values, JSON by value, trailing
/// spaces, letter case. <see cref="Column"/> is a target column name, or <see cref="AllColumns"/>. The rules are applied by
/// <see cref="Verification.RowNormalizer"/>; docs/plan.md says what each one does not hide.
/// </summary>
public sealed record NormalizeRule(string Column, PlanLocation At)
{
    /// <summary>The column name that stands for every column of an entity.</summary>
    public const string AllColumns = "*";

    /// <summary><c>timestamps:</c> instants (and text holding one) truncated to this precision; null when not set.</summary>
    public TimestampPrecision? Timestamps { get; init; }

    /// <summary><c>time_zone:</c> minutes east of UTC at which timestamp text without <c>Z</c> or an offset is read (0: UTC).</summary>
    public int TimeZoneMinutes { get; init; }

    /// <summary><c>float_tolerance:</c> doubles this close (absolute) are the same; null when not set.</summary>
    public double? FloatTolerance { get; init; }

    /// <summary><c>map:</c> text forms of values (integers in decimal, text as itself) replaced by the mapped text; null when not set.</summary>
    public IReadOnlyDictionary<string, string>? Map { get; init; }

    /// <summary><c>json: true</c>: text and JSON that parse as JSON are compared by their canonical JSON.</summary>
    public bool Json { get; init; }

    /// <summary><c>trim_trailing_spaces: true</c>: text loses trailing U+0020 before it is compared.</summary>
    public bool TrimTrailingSpaces { get; init; }

    /// <summary><c>case_insensitive: true</c>: text is compared after invariant upper-casing.</summary>
    public bool CaseInsensitive { get; init; }

    /// <summary>True when the rule changes nothing (every option off): it still replaces a less specific rule for its column.</summary>
    public bool IsEmpty => Timestamps is null && FloatTolerance is null && Map is null && !Json && !TrimTrailingSpaces && !CaseInsensitive;

    /// <summary>The zone as the plan spells it back: <c>UTC</c> or <c>±HH:MM</c>.</summary>
    public string TimeZoneText => TimeZoneMinutes == 0
        ? "UTC"
        : string.Create(CultureInfo.InvariantCulture, $"{(TimeZoneMinutes < 0 ? '-' : '+')}{Math.Abs(TimeZoneMinutes) / 60:D2}:{Math.Abs(TimeZoneMinutes) % 60:D2}");

    /// <summary>This rule's options for the named column (a <see cref="AllColumns"/> rule resolved to one column).</summary>
    public NormalizeRule ForColumn(string column) => this with { Column = column };
}

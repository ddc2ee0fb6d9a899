using System.Globalization;

namespace Cutover.Values;

/// <summary>
/// Helpers over the boxed values a row carries: <c>null</c>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="string"/>, <see cref="byte"/>[] or <see cref="RawText"/> (SQLite's storage classes), and the typed values a
/// PostgreSQL source or the plan's <c>dates</c>/<c>json</c> options produce: <see cref="Timestamp"/>, <see cref="Date"/>,
/// <see cref="Json"/> and <see cref="Numeric"/>. Booleans are the integers 0 and 1.
/// </summary>
public static class Value
{
    /// <summary>A short, readable rendering for messages (keys in errors, idmap output).</summary>
    public static string Display(object? v) => v switch
    {
        null or DBNull => "NULL",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] b => "x'" + Convert.ToHexString(b) + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary>
    /// A typed value in its documented text form (what a SQLite target stores for it): a timestamp as
    /// <c>2024-05-01T12:34:56.000000Z</c>, a date as <c>2024-05-01</c>, JSON and decimals as they were read.
    /// Other values are returned unchanged.
    /// </summary>
    public static object? Untyped(object? v) => v switch
    {
        Timestamp t => t.ToString(),
        Date d => d.ToString(),
        Json j => j.Text,
        Numeric n => n.Text,
        _ => v,
    };

    /// <summary>Like <see cref="Display"/>, with text in single quotes, for messages that quote a value.</summary>
    public static string Quote(object? v) => v is string s ? $"'{s}'" : Display(v);

    /// <summary>Renders a key tuple as <c>a</c> or <c>(a, b)</c>.</summary>
    public static string DisplayKey(IReadOnlyList<object?> key) =>
        key.Count == 1 ? Display(key[0]) : "(" + string.Join(", ", key.Select(Display)) + ")";
}

using System.Globalization;

namespace Cutover.Values;

/// <summary>
/// Helpers over the boxed values a row carries: <c>null</c>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="string"/>, <see cref="byte"/>[] or <see cref="RawText"/>.
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

    /// <summary>Like <see cref="Display"/>, with text in single quotes, for messages that quote a value.</summary>
    public static string Quote(object? v) => v is string s ? $"'{s}'" : Display(v);

    /// <summary>Renders a key tuple as <c>a</c> or <c>(a, b)</c>.</summary>
    public static string DisplayKey(IReadOnlyList<object?> key) =>
        key.Count == 1 ? Display(key[0]) : "(" + string.Join(", ", key.Select(Display)) + ")";
}

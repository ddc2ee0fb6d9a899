using System.Globalization;
using System.Text.RegularExpressions;

namespace Cutover.Plan;

/// <summary>Durations as plans write them: <c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c> (a number and a unit, decimals allowed).</summary>
public static partial class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var m = Pattern().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }
        var ms = m.Groups[2].Value switch
        {
            "ms" => n,
            "s" => n * 1000,
            "m" => n * 60_000,
            _ => n * 3_600_000,
        };
        if (ms > TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            return false;
        }
        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    /// <summary>The shortest way to write <paramref name="value"/> back (for messages and summaries).</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds < 1000 ? $"{value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms"
        : value.TotalSeconds < 120 ? $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s"
        : value.TotalMinutes < 120 ? $"{value.TotalMinutes.ToString("0.###", CultureInfo.InvariantCulture)}m"
        : $"{value.TotalHours.ToString("0.###", CultureInfo.InvariantCulture)}h";

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)$")]
    private static partial Regex Pattern();
}

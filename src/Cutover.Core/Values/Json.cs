using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Cutover.Values;

/// <summary>
/// A JSON value compared by value, as PostgreSQL <c>jsonb</c> keeps it. <see cref="Text"/> is the JSON as it was read (what
/// is written to a target: jsonb normalises it itself, SQLite keeps it); <see cref="Canonical"/> is its canonical text (no
/// whitespace, object keys sorted and unique, the last of duplicate keys winning, numbers in <see cref="DecimalText"/>'s
/// form, one way of escaping strings), which equality and checksums use. Two JSON texts that jsonb stores as the same value
/// have the same canonical text. The rules are in docs/checksums.md.
/// </summary>
public sealed class Json : IEquatable<Json>
{
    /// <summary>Deeper nesting is refused rather than risking the stack; PostgreSQL's own limit is in the same range.</summary>
    public const int MaxDepth = 1000;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    private Json(string text, string canonical)
    {
        Text = text;
        Canonical = canonical;
    }

    /// <summary>The JSON as it was read.</summary>
    public string Text { get; }

    /// <summary>The canonical text: what equality and the checksum compare.</summary>
    public string Canonical { get; }

    /// <summary>Parses <paramref name="text"/>; false with a reason when it is not JSON or jsonb cannot hold it (<c>\u0000</c>).</summary>
    public static bool TryParse(string text, out Json? json, out string reason)
    {
        json = null;
        reason = "";
        try
        {
            using var doc = JsonDocument.Parse(text, Options);
            var sb = new StringBuilder(text.Length);
            if (!Write(doc.RootElement, sb, out reason))
            {
                return false;
            }
            json = new Json(text, sb.ToString());
            return true;
        }
        catch (JsonException ex)
        {
            reason = "is not valid JSON: " + FirstSentence(ex.Message);
            return false;
        }
        catch (InvalidOperationException ex)
        {
            // Escapes that decode to invalid UTF-16 (a lone surrogate such as \ud800).
            reason = "is not valid JSON: " + FirstSentence(ex.Message);
            return false;
        }
    }

    /// <summary>Parses text known to be JSON (PostgreSQL's jsonb output); throws when it is not.</summary>
    public static Json Parse(string text) => TryParse(text, out var json, out var reason) ? json! : throw new FormatException($"JSON {reason}");

    /// <summary>A JSON number: what a SQLite JSON column holds when SQLite's NUMERIC affinity turned the document <c>1</c> into an integer.</summary>
    public static Json FromNumber(long value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        return new Json(text, text);
    }

    public static bool TryFromNumber(double value, out Json? json, out string reason)
    {
        json = null;
        if (!double.IsFinite(value))
        {
            reason = $"{value.ToString(CultureInfo.InvariantCulture)} is not a JSON number";
            return false;
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!DecimalText.TryNormalize(text, out var canonical, out _, out _, out reason))
        {
            return false;
        }
        // Written as the canonical number: the exponent form .NET may print ("1E-07") is valid JSON, but plain digits read better.
        json = new Json(canonical, canonical);
        return true;
    }

    private static bool Write(JsonElement e, StringBuilder sb, out string reason)
    {
        reason = "";
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                // Last duplicate wins, as in jsonb.
                var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    members[p.Name] = p.Value;
                }
                var keys = members.Keys.ToList();
                keys.Sort(CodePointOrder);
                sb.Append('{');
                for (var i = 0; i < keys.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    if (!WriteString(keys[i], sb, out reason))
                    {
                        return false;
                    }
                    sb.Append(':');
                    if (!Write(members[keys[i]], sb, out reason))
                    {
                        return false;
                    }
                }
                sb.Append('}');
                return true;
            case JsonValueKind.Array:
                sb.Append('[');
                var first = true;
                foreach (var item in e.EnumerateArray())
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    if (!Write(item, sb, out reason))
                    {
                        return false;
                    }
                }
                sb.Append(']');
                return true;
            case JsonValueKind.String:
                return WriteString(e.GetString()!, sb, out reason);
            case JsonValueKind.Number:
                if (!DecimalText.TryNormalize(e.GetRawText(), out var number, out _, out _, out var why))
                {
                    reason = $"holds the number {Short(e.GetRawText())}, which {why}";
                    return false;
                }
                sb.Append(number);
                return true;
            case JsonValueKind.True:
                sb.Append("true");
                return true;
            case JsonValueKind.False:
                sb.Append("false");
                return true;
            default:
                sb.Append("null");
                return true;
        }
    }

    private static bool WriteString(string s, StringBuilder sb, out string reason)
    {
        reason = "";
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '\0':
                    reason = "holds \\u0000 in a string, which jsonb cannot store";
                    return false;
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case < ' ':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
        return true;
    }

    /// <summary>Unicode code point order, which is also the byte order of the keys' UTF-8.</summary>
    private static int CodePointOrder(string a, string b)
    {
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA.CompareTo(hasB);
            }
            var c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }

    private static string Short(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private static string FirstSentence(string message)
    {
        var line = message.Split('\n')[0];
        var cut = line.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? line[..cut] : line).TrimEnd('.');
    }

    public bool Equals(Json? other) => other is not null && Canonical == other.Canonical;

    public override bool Equals(object? obj) => Equals(obj as Json);

    public override int GetHashCode() => Canonical.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cutover.Errors;
using Cutover.Plan;

namespace Cutover.Verification;

/// <summary>
/// Keys written as text, as key tuples of an entity's source key: a number is an integer where the key column holds
/// integers, text otherwise; a composite key is a JSON array (<c>[1,"a"]</c>). <c>cutover repair --keys</c> and the
/// dual-write conflict journal (<c>cutover reconcile</c>) both read keys this way.
/// </summary>
public static class RepairKeys
{
    /// <summary><c>--keys</c>: <c>1,2,3</c> or <c>a,b</c> for a one-column key, JSON arrays for a composite key.</summary>
    public static List<object?[]> ParseList(string text, BoundEntity e)
    {
        var width = e.SourceKey.Count;
        var integer = IntegerColumns(e);
        var parsed = new List<object?[]>();
        JsonArray? json = null;
        try
        {
            json = JsonNode.Parse("[" + text + "]") as JsonArray;
        }
        catch (JsonException)
        {
            // Not JSON: plain comma-separated keys (text keys need no quotes).
        }
        if (json is not null && json.All(n => n is not null))
        {
            foreach (var node in json)
            {
                var parts = node is JsonArray a ? a.Select(x => x?.ToString()).ToArray() : [node!.ToString()];
                parsed.Add(Coerce(parts, width, integer)
                    ?? throw new CutoverException(ErrorCodes.UsageInvalid, $"--keys '{text}': a key of this entity has {width} columns; give each as a JSON array, e.g. [1,\"a\"]"));
            }
        }
        else
        {
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                parsed.Add(Coerce([part], width, integer)
                    ?? throw new CutoverException(ErrorCodes.UsageInvalid, $"--keys '{text}': a key of this entity has {width} columns; give each as a JSON array, e.g. [1,\"a\"]"));
            }
        }
        if (parsed.Count == 0)
        {
            throw new CutoverException(ErrorCodes.UsageInvalid, "--keys names no key; give them as --keys 1,2,3");
        }
        return parsed;
    }

    /// <summary>
    /// ONE key as an application recorded it (a conflict's key text): the whole text for a one-column key (commas and all),
    /// a JSON array for a composite key. Null, with the reason, when it is not a key of <paramref name="e"/>.
    /// </summary>
    public static object?[]? TryParseOne(string text, BoundEntity e, out string? problem)
    {
        problem = null;
        var width = e.SourceKey.Count;
        if (width == 1)
        {
            return Typed([text], e, out problem);
        }
        try
        {
            if (JsonNode.Parse(text) is JsonArray a && a.Count == width && a.All(x => x is not null))
            {
                return Typed(a.Select(x => x!.ToString()).ToArray(), e, out problem);
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }
        problem = $"'{text}' is not a key of {e.Name}: its key has {width} columns ({string.Join(", ", e.SourceKey)}); record it as a JSON array, e.g. [1,\"a\"]";
        return null;
    }

    /// <summary>
    /// Each part in its key column's kind: an integer column (typed, or a rowid) takes only integers, a numeric, timestamp or
    /// date column its ISO text; untyped SQLite columns as <see cref="Coerce"/> reads them. Null, with the reason, when a part
    /// cannot be a value of its column, so a key that names no row is never taken for one that does.
    /// </summary>
    private static object?[]? Typed(string[] parts, BoundEntity e, out string? problem)
    {
        problem = null;
        var key = new object?[parts.Length];
        var integer = IntegerColumns(e);
        for (var i = 0; i < parts.Length; i++)
        {
            var name = e.SourceKey[i];
            var p = parts[i];
            var column = e.Source.Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            // SQLite's INTEGER PRIMARY KEY is the rowid: it holds nothing but integers, whatever its untyped kind says.
            var rowidAlias = parts.Length == 1 && column is { Kind: Schema.ColumnKind.Dynamic }
                && string.Equals(column.DeclaredType?.Trim(), "INTEGER", StringComparison.OrdinalIgnoreCase);
            var kind = e.KeyIsRowid || rowidAlias ? Schema.ColumnKind.Integer : column?.Kind ?? Schema.ColumnKind.Dynamic;
            string? reason = null;
            switch (kind)
            {
                case Schema.ColumnKind.Integer:
                    if (long.TryParse(p, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                    {
                        key[i] = n;
                    }
                    else
                    {
                        reason = "holds integers";
                    }
                    break;
                case Schema.ColumnKind.Numeric:
                    key[i] = Values.Numeric.TryParse(p, out var number, out _) ? number : null;
                    reason = key[i] is null ? "holds decimal numbers" : null;
                    break;
                case Schema.ColumnKind.Timestamp:
                    key[i] = Values.Timestamp.TryParseIso(p, out var at, out _) ? at : null;
                    reason = key[i] is null ? "holds timestamps (ISO 8601 with an offset)" : null;
                    break;
                case Schema.ColumnKind.Date:
                    key[i] = Values.Date.TryParseIso(p, out var day, out _) ? day : null;
                    reason = key[i] is null ? "holds dates (YYYY-MM-DD)" : null;
                    break;
                default:
                    key[i] = Coerce([p], 1, [integer[i]])![0];
                    break;
            }
            if (reason is not null)
            {
                problem = $"'{p}' is not a key of {e.Name}: {name} {reason}; check that the application records the key as the store holds it";
                return null;
            }
        }
        return key;
    }

    private static bool[] IntegerColumns(BoundEntity e) => e.SourceKey.Select(k => e.KeyIsRowid || IsIntegerColumn(e, k)).ToArray();

    private static object?[]? Coerce(string?[] parts, int width, bool[] integer)
    {
        if (parts.Length != width)
        {
            return null;
        }
        var key = new object?[width];
        for (var i = 0; i < width; i++)
        {
            key[i] = integer[i] && long.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : parts[i];
        }
        return key;
    }

    private static bool IsIntegerColumn(BoundEntity e, string name)
    {
        var column = e.Source.Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        return column is not null && (column.Kind == Schema.ColumnKind.Integer
            || (column.Kind == Schema.ColumnKind.Dynamic && Transform.AffinityRules.Of(column.DeclaredType) == Transform.Affinity.Integer));
    }
}

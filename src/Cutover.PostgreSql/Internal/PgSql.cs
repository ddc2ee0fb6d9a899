using Npgsql;

namespace Cutover.PostgreSql.Internal;

/// <summary>Quoting and key predicates. Identifiers are always double-quoted; values are always bound, never interpolated.</summary>
internal static class PgSql
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string QuoteList(IEnumerable<string> identifiers) => string.Join(", ", identifiers.Select(Quote));

    /// <summary>A single-quoted SQL string literal (for DDL text only; values in DML are bound).</summary>
    public static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary><c>(k1, k2) &gt; (@a0, @a1)</c>: a row comparison, so composite keys page as whole tuples.</summary>
    public static string After(IReadOnlyList<string> key, NpgsqlCommand cmd, IReadOnlyList<object?> after)
    {
        var names = new List<string>();
        for (var i = 0; i < key.Count; i++)
        {
            names.Add(Bind(cmd, "a" + i, after[i]));
        }
        return key.Count == 1
            ? $"{Quote(key[0])} > {names[0]}"
            : $"({QuoteList(key)}) > ({string.Join(", ", names)})";
    }

    /// <summary><c>(k1, k2) IN ((@k0_0, @k0_1), ...)</c> for one chunk of keys.</summary>
    public static string InKeys(IReadOnlyList<string> key, NpgsqlCommand cmd, IReadOnlyList<IReadOnlyList<object?>> keys)
    {
        var tuples = new List<string>();
        for (var r = 0; r < keys.Count; r++)
        {
            var parts = new List<string>();
            for (var i = 0; i < key.Count; i++)
            {
                parts.Add(Bind(cmd, $"k{r}_{i}", keys[r][i]));
            }
            tuples.Add(key.Count == 1 ? parts[0] : "(" + string.Join(", ", parts) + ")");
        }
        var lhs = key.Count == 1 ? Quote(key[0]) : "(" + QuoteList(key) + ")";
        return $"{lhs} IN ({string.Join(", ", tuples)})";
    }

    private static string Bind(NpgsqlCommand cmd, string name, object? value)
    {
        cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return "@" + name;
    }
}

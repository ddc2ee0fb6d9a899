using Npgsql;

namespace Cutover.PostgreSql.Internal;

/// <summary>Quoting and key predicates. Identifiers are always double-quoted; values are always bound, never interpolated.</summary>
internal static class PgSql
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string QuoteList(IEnumerable<string> identifiers) => string.Join(", ", identifiers.Select(Quote));

    /// <summary>A single-quoted SQL string literal (for DDL text only; values in DML are bound).</summary>
    public static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// The WHERE clause of one keyset page: <c>(k1, k2) &gt; (@a0, @a1)</c> for rows after <paramref name="after"/>, and
    /// <c>&lt;=</c> <paramref name="until"/> for one key range of a split table (either may be null). Row comparisons, so
    /// composite keys page as whole tuples. Empty when both are null.
    /// </summary>
    public static string KeyRange(IReadOnlyList<string> key, NpgsqlCommand cmd, IReadOnlyList<object?>? after, IReadOnlyList<object?>? until,
        Connectors.KeyNulls nulls = Connectors.KeyNulls.Any)
    {
        var terms = new List<string>(3);
        if (nulls != Connectors.KeyNulls.Any)
        {
            terms.Add(NullTerm(key, nulls));
        }
        if (after is not null)
        {
            terms.Add(Compare(key, cmd, after, ">", "a"));
        }
        if (until is not null)
        {
            terms.Add(Compare(key, cmd, until, "<=", "u"));
        }
        return terms.Count == 0 ? "" : " WHERE " + string.Join(" AND ", terms);
    }

    /// <summary><c>(k1 IS NOT NULL AND k2 IS NOT NULL)</c>, or <c>(k1 IS NULL OR k2 IS NULL)</c> for only the rows with a NULL key part.</summary>
    public static string NullTerm(IReadOnlyList<string> key, Connectors.KeyNulls nulls) => nulls == Connectors.KeyNulls.Only
        ? "(" + string.Join(" OR ", key.Select(k => Quote(k) + " IS NULL")) + ")"
        : "(" + string.Join(" AND ", key.Select(k => Quote(k) + " IS NOT NULL")) + ")";

    /// <summary>
    /// <see cref="KeyRange"/> with the bounds written as literals (<see cref="PgLiteral"/>), for COPY, which takes no
    /// parameters; null when a bound has no exact literal.
    /// </summary>
    public static string? KeyRangeInline(IReadOnlyList<string> key, IReadOnlyList<object?>? after, IReadOnlyList<object?>? until,
        Connectors.KeyNulls nulls = Connectors.KeyNulls.Any)
    {
        var terms = new List<string>(3);
        if (nulls != Connectors.KeyNulls.Any)
        {
            terms.Add(NullTerm(key, nulls));
        }
        foreach (var (values, op) in new[] { (after, ">"), (until, "<=") })
        {
            if (values is null)
            {
                continue;
            }
            var literals = new List<string>(values.Count);
            for (var i = 0; i < key.Count; i++)
            {
                if (!PgLiteral.TryRender(values[i], out var literal))
                {
                    return null;
                }
                literals.Add(literal);
            }
            terms.Add(key.Count == 1
                ? $"{Quote(key[0])} {op} {literals[0]}"
                : $"({QuoteList(key)}) {op} ({string.Join(", ", literals)})");
        }
        return terms.Count == 0 ? "" : " WHERE " + string.Join(" AND ", terms);
    }

    private static string Compare(IReadOnlyList<string> key, NpgsqlCommand cmd, IReadOnlyList<object?> values, string op, string prefix)
    {
        var names = new List<string>();
        for (var i = 0; i < key.Count; i++)
        {
            names.Add(Bind(cmd, prefix + i, values[i]));
        }
        return key.Count == 1
            ? $"{Quote(key[0])} {op} {names[0]}"
            : $"({QuoteList(key)}) {op} ({string.Join(", ", names)})";
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
        // Typed keys (a PostgreSQL source's timestamptz, date or numeric key) are bound in PostgreSQL's own form.
        switch (value)
        {
            case Values.Timestamp t:
                cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = t.Microseconds });
                return "@" + name;
            case Values.Date d:
                cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Date) { Value = d.Days });
                return "@" + name;
            case Values.Numeric n:
                cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = n.Text });
                return $"@{name}::numeric";
            case Values.Json j:
                cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = j.Text });
                return "@" + name;
            case string text:
                // Text as PostgreSQL's "unknown", so the server reads it as the key column's own type: a uuid (or inet,
                // or enum) key is carried as text and would otherwise be refused (operator does not exist: uuid = text).
                // Against a text column it is text, with the same collation rules as a text parameter.
                cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Unknown) { Value = text });
                return "@" + name;
        }
        cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return "@" + name;
    }
}

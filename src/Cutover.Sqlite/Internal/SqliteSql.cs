using System.Text;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Internal;

/// <summary>Identifier quoting and small SQL builders. Identifiers from plans are always quoted, never pasted.</summary>
internal static class SqliteSql
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string QuoteList(IEnumerable<string> identifiers) => string.Join(", ", identifiers.Select(Quote));

    /// <summary>The select-list name of a key column; <c>rowid</c> is SQLite's implicit row id.</summary>
    public static string KeyExpr(string column, bool isRowid) => isRowid ? "rowid" : Quote(column);

    /// <summary>Binds a Cutover value: null, long, double, string, byte[]. Invalid UTF-8 text is bound as its bytes and CAST in SQL.</summary>
    public static object Bind(object? value) => value switch
    {
        null => DBNull.Value,
        Cutover.Values.RawText raw => raw.Bytes,
        _ => value,
    };

    public static string Literal(object? value) => value switch
    {
        null => "NULL",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        byte[] b => "x'" + Convert.ToHexString(b) + "'",
        _ => "'" + value.ToString()!.Replace("'", "''", StringComparison.Ordinal) + "'",
    };

    /// <summary>
    /// A parameter as it appears in SQL. <see cref="Cutover.Values.RawText"/> is bound as its bytes, which SQLite would
    /// compare as a BLOB (never equal to, and sorting after, every TEXT); CAST gives it back the TEXT storage class.
    /// </summary>
    private static string Param(string name, object? value) => value is Cutover.Values.RawText ? $"CAST({name} AS TEXT)" : name;

    /// <summary>
    /// The WHERE clause of one keyset page: keys after <paramref name="after"/> and at or before <paramref name="until"/>
    /// (either may be null), using SQLite row values so composite keys compare as whole tuples. Empty when both are null.
    /// </summary>
    public static string KeyRange(IReadOnlyList<string> keyExprs, SqliteCommand cmd, IReadOnlyList<object?>? after, IReadOnlyList<object?>? until,
        Connectors.KeyNulls nulls = Connectors.KeyNulls.Any)
    {
        var terms = new List<string>(3);
        if (nulls != Connectors.KeyNulls.Any)
        {
            terms.Add(NullTerm(keyExprs, nulls));
        }
        if (after is not null)
        {
            terms.Add(Compare(keyExprs, cmd, after, ">", "@a"));
        }
        if (until is not null)
        {
            terms.Add(Compare(keyExprs, cmd, until, "<=", "@u"));
        }
        return terms.Count == 0 ? "" : " WHERE " + string.Join(" AND ", terms);
    }

    /// <summary><c>(k1 IS NOT NULL AND k2 IS NOT NULL)</c>, or <c>(k1 IS NULL OR k2 IS NULL)</c> for only the rows with a NULL key part.</summary>
    public static string NullTerm(IReadOnlyList<string> keyExprs, Connectors.KeyNulls nulls) => nulls == Connectors.KeyNulls.Only
        ? "(" + string.Join(" OR ", keyExprs.Select(k => k + " IS NULL")) + ")"
        : "(" + string.Join(" AND ", keyExprs.Select(k => k + " IS NOT NULL")) + ")";

    private static string Compare(IReadOnlyList<string> keyExprs, SqliteCommand cmd, IReadOnlyList<object?> values, string op, string prefix)
    {
        var names = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            var p = prefix + i;
            cmd.Parameters.AddWithValue(p, Bind(values[i]));
            names.Append(i == 0 ? "" : ", ").Append(Param(p, values[i]));
        }
        return keyExprs.Count == 1
            ? $"{keyExprs[0]} {op} {names}"
            : $"({string.Join(", ", keyExprs)}) {op} ({names})";
    }

    /// <summary>WHERE clause matching exactly the given key tuples.</summary>
    public static string InKeys(IReadOnlyList<string> keyExprs, SqliteCommand cmd, IReadOnlyList<IReadOnlyList<object?>> keys)
    {
        var parts = new List<string>(keys.Count);
        var n = 0;
        foreach (var key in keys)
        {
            var terms = new List<string>(key.Count);
            for (var i = 0; i < key.Count; i++)
            {
                var p = "@k" + n++;
                cmd.Parameters.AddWithValue(p, Bind(key[i]));
                terms.Add($"{keyExprs[i]} IS {Param(p, key[i])}");
            }
            parts.Add("(" + string.Join(" AND ", terms) + ")");
        }
        return parts.Count == 0 ? "0" : string.Join(" OR ", parts);
    }
}

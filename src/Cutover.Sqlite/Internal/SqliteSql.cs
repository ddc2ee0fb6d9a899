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

    /// <summary>WHERE clause for "key after the given tuple", using SQLite row values so composite keys page correctly.</summary>
    public static string After(IReadOnlyList<string> keyExprs, SqliteCommand cmd, IReadOnlyList<object?> after)
    {
        var names = new StringBuilder();
        for (var i = 0; i < after.Count; i++)
        {
            var p = "@a" + i;
            cmd.Parameters.AddWithValue(p, Bind(after[i]));
            names.Append(i == 0 ? "" : ", ").Append(Param(p, after[i]));
        }
        return keyExprs.Count == 1
            ? $"{keyExprs[0]} > {names}"
            : $"({string.Join(", ", keyExprs)}) > ({names})";
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

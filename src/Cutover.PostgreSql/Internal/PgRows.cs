using Npgsql;

namespace Cutover.PostgreSql.Internal;

/// <summary>
/// What the store and the capture share to read rows: each column's (base) type name, and reading a result with
/// <see cref="PgValues.Readers"/>, so a row read from a table and a row read from a changelog hold the same kinds.
/// </summary>
internal static class PgRows
{
    /// <summary>
    /// Column name → type name (the base type for a domain) of <paramref name="table"/> in <paramref name="schema"/> (the
    /// current schema when null), so reads know which columns to select as text. Empty when there is no such table.
    /// </summary>
    public static async Task<Dictionary<string, string>> ColumnTypesAsync(NpgsqlConnection conn, string? schema, string table, CancellationToken ct)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand(
            """
            SELECT a.attname, CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
            WHERE n.nspname = coalesce(@s, current_schema()) AND c.relname = @t AND a.attnum > 0 AND NOT a.attisdropped
            """, conn);
        cmd.Parameters.AddWithValue("s", NpgsqlTypes.NpgsqlDbType.Text, (object?)schema ?? DBNull.Value);
        cmd.Parameters.AddWithValue("t", table);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            types[r.GetString(0)] = r.GetString(1);
        }
        return types;
    }

    /// <summary>The type of <paramref name="column"/>, matched exactly or else ignoring case (as plans name columns).</summary>
    public static string? TypeOf(Dictionary<string, string> types, string column) =>
        types.TryGetValue(column, out var t) ? t : types.FirstOrDefault(p => string.Equals(p.Key, column, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Every row of <paramref name="cmd"/>, each column turned into a Cutover value by its reader.</summary>
    public static async Task<List<object?[]>> ReadAllAsync(NpgsqlCommand cmd, Func<NpgsqlDataReader, int, object?>[] readers, CancellationToken ct)
    {
        var rows = new List<object?[]>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var row = new object?[readers.Length];
            for (var i = 0; i < readers.Length; i++)
            {
                row[i] = readers[i](r, i);
            }
            rows.Add(row);
        }
        return rows;
    }
}

using Cutover.Capture;
using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Npgsql;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// The tables capture knows: resolving a plan's <see cref="CaptureTable"/> against the live catalog (it exists, its columns
/// and key are real) and recording it in <c>_cutover.tables</c>, and reading that record back, so a later process can read
/// changes without the plan's table list.
/// </summary>
internal static class CaptureCatalog
{
    /// <summary>A plan's table checked against the server: real column names in the plan's order, their SQL types, its key.</summary>
    public sealed record Resolved(string Schema, string Name, IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<string> Key);

    public static async Task<Resolved> ResolveAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CaptureTable table, string display, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT n.nspname::text, a.attname::text, format_type(a.atttypid, a.atttypmod)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = current_schema() AND c.relname = @t AND c.relkind IN ('r', 'p')
            ORDER BY a.attnum
            """, conn, tx);
        cmd.Parameters.AddWithValue("t", table.Table);
        string? schema = null;
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                schema = r.GetString(0);
                if (!r.IsDBNull(1))
                {
                    types[r.GetString(1)] = r.GetString(2);
                }
            }
        }
        if (schema is null)
        {
            throw new CutoverException(ErrorCodes.TableNotFound, $"table {table.Table} does not exist in {display}, so its writes cannot be captured");
        }
        string Column(string name, string what)
        {
            if (types.ContainsKey(name))
            {
                return name;
            }
            var matches = types.Keys.Where(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)).ToList();
            return matches.Count == 1
                ? matches[0]
                : throw new CutoverException(ErrorCodes.ColumnNotFound, $"{what} '{name}' of table {table.Table} does not exist in {display}");
        }
        var columns = table.Columns.Select(c => Column(c, "column")).ToList();
        IReadOnlyList<string> keyNames = table.Key.Count == 0 && table.KeyIsRowid ? [PostgreSqlDdl.RowidColumn] : table.Key;
        var key = keyNames.Select(k => Column(k, "key column")).ToList();
        foreach (var k in key.Where(k => !columns.Contains(k)))
        {
            throw new CutoverException(ErrorCodes.ColumnNotFound, $"key column '{k}' of table {table.Table} is not among the columns captured");
        }
        foreach (var c in columns.Where(c => c.StartsWith("_cutover_", StringComparison.Ordinal) || c.Contains("$cutover$", StringComparison.Ordinal)))
        {
            throw new CutoverException(ErrorCodes.UnsupportedSchema, $"column '{c}' of table {table.Table} has a name Cutover keeps for its changelog; rename it in the source to capture it");
        }
        return new Resolved(schema, table.Table, columns, columns.Select(c => types[c]).ToList(), key);
    }

    /// <summary>
    /// Records <paramref name="t"/> (a new number when it has none yet) and returns it with the columns it was recorded with
    /// before, or null when it is new or unchanged.
    /// </summary>
    public static async Task<(CapturedTable Table, IReadOnlyList<string>? Before)> RegisterAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Resolved t, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT n, columns, key FROM _cutover.tables WHERE name = @t", conn, tx);
        cmd.Parameters.AddWithValue("t", t.Name);
        int? n = null;
        string[]? columns = null;
        string[]? key = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                n = r.GetInt32(0);
                columns = r.GetFieldValue<string[]>(1);
                key = r.GetFieldValue<string[]>(2);
            }
        }
        cmd.Parameters.Clear();
        cmd.Parameters.AddWithValue("t", t.Name);
        cmd.Parameters.AddWithValue("c", t.Columns.ToArray());
        cmd.Parameters.AddWithValue("k", t.Key.ToArray());
        if (n is null)
        {
            cmd.CommandText = "INSERT INTO _cutover.tables (n, name, columns, key) SELECT coalesce(max(n), 0) + 1, @t, @c, @k FROM _cutover.tables RETURNING n";
            n = (int)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            return (new CapturedTable(n.Value, t.Schema, t.Name, t.Columns, t.Key), null);
        }
        var table = new CapturedTable(n.Value, t.Schema, t.Name, t.Columns, t.Key);
        if (columns!.SequenceEqual(t.Columns) && key!.SequenceEqual(t.Key))
        {
            return (table, null);
        }
        cmd.CommandText = "UPDATE _cutover.tables SET columns = @c, key = @k WHERE name = @t";
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return (table, columns);
    }

    /// <summary>Every recorded table, in number order; empty when nothing is installed.</summary>
    public static async Task<IReadOnlyList<CapturedTable>> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT to_regclass('_cutover.tables') IS NOT NULL, current_schema()", conn, tx);
        string? schema;
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await r.ReadAsync(ct).ConfigureAwait(false);
            if (!r.GetBoolean(0))
            {
                return [];
            }
            schema = r.IsDBNull(1) ? null : r.GetString(1);
        }
        cmd.CommandText = "SELECT n, name, columns, key FROM _cutover.tables ORDER BY n";
        var tables = new List<CapturedTable>();
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                tables.Add(new CapturedTable(r.GetInt32(0), schema ?? "public", r.GetString(1), r.GetFieldValue<string[]>(2), r.GetFieldValue<string[]>(3)));
            }
        }
        return tables;
    }
}

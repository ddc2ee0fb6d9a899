using Cutover.PostgreSql.Internal;
using Npgsql;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// Turns row images that logical replication sent as text into Cutover values with the store's own reading code: the text
/// goes back to the server, is cast to each column's type, and is selected and read exactly as
/// <see cref="PostgreSqlStore.ReadAsync"/> reads the table (<see cref="PgValues.SelectExpr"/>, <see cref="PgValues.Readers"/>).
/// A type's output and input functions round-trip its values, so no second decoder is needed, and none can disagree with
/// the copy. A column sent as an unchanged TOAST value (the stream leaves it out) is read from the table by key.
/// </summary>
internal static class TextRows
{
    public static async Task<object?[][]> DecodeAsync(NpgsqlConnection conn, CapturedTable t, IReadOnlyList<LogicalStream.RawChange> changes, CancellationToken ct)
    {
        var (sqlTypes, baseTypes) = await TypesAsync(conn, t, ct).ConfigureAwait(false);
        var readers = PgValues.Readers(baseTypes);
        var n = t.Columns.Count;
        var values = Enumerable.Range(0, n).Select(i => $"_cutover_v{i}").ToList();
        var casts = string.Join(", ", t.Columns.Select((c, i) => $"u._cutover_v{i}::{sqlTypes[i]} AS {PgSql.Quote(c)}"));
        var select = string.Join(", ", t.Columns.Select((c, i) => PgValues.SelectExpr(c, baseTypes[i])));
        await using var cmd = conn.CreateCommand();
        // The type names come from format_type on the live catalog, never from plan text.
        cmd.CommandText =
            $"SELECT {select} FROM (SELECT u._cutover_ord, {casts} FROM unnest({string.Join(", ", values.Select(v => "@" + v + "::text[]"))}) " +
            $"WITH ORDINALITY AS u({string.Join(", ", values)}, _cutover_ord)) x ORDER BY x._cutover_ord";
        for (var i = 0; i < n; i++)
        {
            cmd.Parameters.AddWithValue(values[i], changes.Select(c => c.Text[i]).ToArray());
        }
        var rows = (await PgRows.ReadAllAsync(cmd, readers, ct).ConfigureAwait(false)).ToArray();
        var toasted = Enumerable.Range(0, changes.Count).Where(i => changes[i].Unchanged is not null).ToList();
        if (toasted.Count > 0)
        {
            await FillUnchangedAsync(conn, t, changes, rows, toasted, sqlTypes, baseTypes, readers, ct).ConfigureAwait(false);
        }
        return rows;
    }

    /// <summary>
    /// Reads the columns the stream left out (unchanged TOAST values) from the row as it is now, found by the key the change
    /// carries. If the row has changed since, a later change in the stream carries the newer state; if it is gone, a later
    /// delete removes it.
    /// </summary>
    private static async Task FillUnchangedAsync(NpgsqlConnection conn, CapturedTable t, IReadOnlyList<LogicalStream.RawChange> changes, object?[][] rows,
        List<int> toasted, IReadOnlyList<string> sqlTypes, IReadOnlyList<string?> baseTypes, Func<NpgsqlDataReader, int, object?>[] readers, CancellationToken ct)
    {
        var keyIndex = t.KeyIndex;
        if (keyIndex.Length == 0)
        {
            return;
        }
        await using var cmd = conn.CreateCommand();
        var keys = keyIndex.Select((k, i) => $"_cutover_k{i}").ToList();
        var join = string.Join(" AND ", keyIndex.Select((k, i) => $"s.{PgSql.Quote(t.Columns[k])} = u._cutover_k{i}::{sqlTypes[k]}"));
        var select = string.Join(", ", t.Columns.Select((c, i) => "s." + PgValues.SelectExpr(c, baseTypes[i])));
        cmd.CommandText =
            $"SELECT u._cutover_ord, {select} FROM unnest({string.Join(", ", keys.Select(k => "@" + k + "::text[]"))}) " +
            $"WITH ORDINALITY AS u({string.Join(", ", keys)}, _cutover_ord) JOIN {t.Qualified} s ON {join}";
        for (var i = 0; i < keyIndex.Length; i++)
        {
            cmd.Parameters.AddWithValue(keys[i], toasted.Select(c => changes[c].Text[keyIndex[i]]).ToArray());
        }
        var all = new Func<NpgsqlDataReader, int, object?>[readers.Length + 1];
        all[0] = static (r, i) => r.GetInt64(i);
        readers.CopyTo(all, 1);
        foreach (var current in await PgRows.ReadAllAsync(cmd, all, ct).ConfigureAwait(false))
        {
            var change = toasted[(int)(long)current[0]! - 1];
            var unchanged = changes[change].Unchanged!;
            for (var i = 0; i < unchanged.Length; i++)
            {
                if (unchanged[i])
                {
                    rows[change][i] = current[i + 1];
                }
            }
        }
    }

    /// <summary>Each captured column's SQL type (as format_type prints it) and its (base) type name for the readers.</summary>
    private static async Task<(IReadOnlyList<string> Sql, IReadOnlyList<string?> Base)> TypesAsync(NpgsqlConnection conn, CapturedTable t, CancellationToken ct)
    {
        var baseTypes = await PgRows.ColumnTypesAsync(conn, t.Schema, t.Name, ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = @t::regclass AND a.attnum > 0 AND NOT a.attisdropped", conn);
        cmd.Parameters.AddWithValue("t", t.Qualified);
        var sql = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                sql[r.GetString(0)] = r.GetString(1);
            }
        }
        var missing = t.Columns.Where(c => !sql.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new Errors.CutoverException(Errors.ErrorCodes.CaptureConflict,
                $"table {t.Name} no longer has the column(s) {string.Join(", ", missing)} that are captured; the plan and the source disagree");
        }
        return (t.Columns.Select(c => sql[c]).ToList(), t.Columns.Select(c => PgRows.TypeOf(baseTypes, c)).ToList());
    }
}

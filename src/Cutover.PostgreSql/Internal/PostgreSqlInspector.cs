using Cutover.Schema;
using Npgsql;

namespace Cutover.PostgreSql.Internal;

/// <summary>Reads tables, views, columns, keys and indexes of the current schema (the first schema on search_path) from pg_catalog.</summary>
internal static class PostgreSqlInspector
{
    public static async Task<DatabaseSchema> InspectAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var tables = new List<(uint Oid, string Name)>();
        var views = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT c.oid, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
            ORDER BY c.relname
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                if (r.GetChar(2) is 'v' or 'm')
                {
                    views.Add(r.GetString(1));
                }
                else
                {
                    tables.Add((r.GetFieldValue<uint>(0), r.GetString(1)));
                }
            }
        }
        var oids = tables.Select(t => t.Oid).ToArray();
        var columns = await ListAsync(conn, ct, oids,
            """
            SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%',
                   CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
            WHERE a.attrelid = ANY(@oids) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attrelid, a.attnum
            """, r => (r.GetFieldValue<uint>(0), (Name: r.GetString(1), Type: r.GetString(2), NotNull: r.GetBoolean(3), Default: r.IsDBNull(4) ? null : r.GetString(4), Auto: r.GetBoolean(5),
                Kind: PgValues.KindOf(r.GetString(6)))));
        var keys = await ListAsync(conn, ct, oids,
            """
            SELECT con.conrelid, a.attname FROM pg_constraint con
            CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(att, ord)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.att
            WHERE con.contype = 'p' AND con.conrelid = ANY(@oids)
            ORDER BY con.conrelid, k.ord
            """, r => (r.GetFieldValue<uint>(0), r.GetString(1)));
        var fks = await ListAsync(conn, ct, oids,
            """
            SELECT con.conrelid, con.conname, rc.relname, a.attname, ra.attname FROM pg_constraint con
            JOIN pg_class rc ON rc.oid = con.confrelid
            CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(att, ratt, ord)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.att
            JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.ratt
            WHERE con.contype = 'f' AND con.conrelid = ANY(@oids)
            ORDER BY con.conrelid, con.conname, k.ord
            """, r => (r.GetFieldValue<uint>(0), (Name: r.GetString(1), RefTable: r.GetString(2), Column: r.GetString(3), RefColumn: r.GetString(4))));
        var indexes = await ListAsync(conn, ct, oids,
            """
            SELECT i.indrelid, ic.relname, i.indisunique,
                   i.indexprs IS NOT NULL OR i.indpred IS NOT NULL,
                   EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype = 'u'),
                   ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(att, ord)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att
                         WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = ANY(@oids) AND NOT i.indisprimary
            ORDER BY i.indrelid, ic.relname
            """, r => (r.GetFieldValue<uint>(0), new IndexSchema(r.GetBoolean(4) ? "" : r.GetString(1), r.GetBoolean(2), r.GetFieldValue<string[]>(5), r.GetBoolean(3))));

        var result = new List<TableSchema>();
        foreach (var (oid, name) in tables)
        {
            var pk = keys.Where(k => k.Item1 == oid).Select(k => k.Item2).ToList();
            var cols = columns.Where(c => c.Item1 == oid).Select(c => c.Item2).ToList();
            var schemaCols = cols.Select(c => new ColumnSchema(c.Name, c.Type, c.NotNull, c.Default, pk.IndexOf(c.Name) + 1) { Kind = c.Kind }).ToList();
            var tableFks = fks.Where(f => f.Item1 == oid).GroupBy(f => f.Item2.Name)
                .Select(g => new ForeignKeySchema(g.Select(f => f.Item2.Column).ToList(), g.First().Item2.RefTable, g.Select(f => f.Item2.RefColumn).ToList()))
                .ToList();
            var tableIndexes = indexes.Where(i => i.Item1 == oid).Select(i => i.Item2).ToList();
            result.Add(new TableSchema(name, schemaCols, pk, tableFks, tableIndexes, HasRowid: false, AutoIncrement: cols.Any(c => c.Auto)));
        }
        return new DatabaseSchema(result, views);
    }

    private static async Task<List<(uint, T)>> ListAsync<T>(NpgsqlConnection conn, CancellationToken ct, uint[] oids, string sql, Func<NpgsqlDataReader, (uint, T)> read)
    {
        var list = new List<(uint, T)>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter("oids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid) { Value = oids });
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(read(r));
        }
        return list;
    }
}

using Cutover.Connectors;
using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Cutover.Schema;
using Cutover.Verification;
using Npgsql;

namespace Cutover.PostgreSql;

/// <summary>What <c>cutover audit</c> asks of a PostgreSQL target: foreign keys that point nowhere, invalid indexes, constraints not validated.</summary>
internal sealed partial class PostgreSqlStore
{
    /// <summary>The most invalid indexes or unvalidated constraints a finding names.</summary>
    private const int ObjectSamples = 100;

    /// <summary>
    /// An anti-join on the parent. It does not rely on the constraint: a table whose foreign key was added <c>NOT VALID</c>,
    /// or written with triggers off, is checked all the same.
    /// </summary>
    public async Task<ForeignKeyViolations> FindForeignKeyViolationsAsync(TargetTable table, ForeignKeySchema foreignKey, int samples, CancellationToken ct)
    {
        var key = PostgreSqlDdl.KeyOf(table);
        var types = await GuardAsync(_ => ColumnTypesAsync(table.Name, ct), ct).ConfigureAwait(false);
        var readers = PgValues.Readers(key.Select(c => TypeOf(types, c)).ToList());
        var notNull = string.Join(" AND ", foreignKey.Columns.Select(c => $"c.{PgSql.Quote(c)} IS NOT NULL"));
        var match = string.Join(" AND ", foreignKey.Columns.Zip(foreignKey.RefColumns, (c, p) => $"p.{PgSql.Quote(p)} = c.{PgSql.Quote(c)}"));
        var from = $"FROM {PgSql.Quote(table.Name)} AS c WHERE {notNull} AND NOT EXISTS (SELECT 1 FROM {PgSql.Quote(foreignKey.RefTable)} AS p WHERE {match})";
        try
        {
            return await GuardAsync(async conn =>
            {
                await using var cmd = new NpgsqlCommand($"SELECT COUNT(*) {from}", conn);
                var count = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                if (count == 0 || samples <= 0)
                {
                    return new ForeignKeyViolations(count, []);
                }
                cmd.CommandText = $"SELECT {string.Join(", ", key.Select(k => "c." + PgValues.SelectExpr(k, TypeOf(types, k))))} {from} " +
                    $"ORDER BY {string.Join(", ", key.Select(k => "c." + PgSql.Quote(k)))} LIMIT {samples}";
                return new ForeignKeyViolations(count, await ReadAllAsync(cmd, readers, ct).ConfigureAwait(false));
            }, ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (!IsConnectionLost(ex, null))
        {
            // A parent that is missing, or columns whose types cannot be compared.
            throw new CutoverException(ErrorCodes.UnsupportedSchema,
                $"foreign key {table.Name} ({string.Join(", ", foreignKey.Columns)}) -> {foreignKey.RefTable} cannot be checked: {ex.MessageText}");
        }
    }

    /// <summary>Indexes that are not valid and constraints that are not validated, on <paramref name="tables"/> in the current schema.</summary>
    public Task<IReadOnlyList<AuditFinding>> CheckIntegrityAsync(IReadOnlyList<string> tables, CancellationToken ct) => GuardAsync(async conn =>
    {
        var subject = $"{Display} ({tables.Count} tables)";
        var indexes = await NamesAsync(conn,
            """
            SELECT c.relname || '.' || i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relname = ANY(@t) AND NOT x.indisvalid ORDER BY 1
            """, tables, ct).ConfigureAwait(false);
        var constraints = await NamesAsync(conn,
            """
            SELECT c.relname || '.' || con.conname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relname = ANY(@t) AND NOT con.convalidated ORDER BY 1
            """, tables, ct).ConfigureAwait(false);
        return (IReadOnlyList<AuditFinding>)
        [
            indexes.Count == 0
                ? new AuditFinding(AuditChecks.InvalidIndex, subject, true, 0, "every index is valid", [])
                : new AuditFinding(AuditChecks.InvalidIndex, subject, false, indexes.Count,
                    $"{Plural(indexes.Count, "index is", "indexes are")} not valid (a CREATE INDEX CONCURRENTLY that failed leaves one): REINDEX or drop {(indexes.Count == 1 ? "it" : "them")}",
                    indexes.Take(ObjectSamples).ToList()),
            constraints.Count == 0
                ? new AuditFinding(AuditChecks.UnvalidatedConstraint, subject, true, 0, "every constraint is validated", [])
                : new AuditFinding(AuditChecks.UnvalidatedConstraint, subject, false, constraints.Count,
                    $"{Plural(constraints.Count, "constraint is", "constraints are")} not validated (added NOT VALID): existing rows may break {(constraints.Count == 1 ? "it" : "them")}; ALTER TABLE ... VALIDATE CONSTRAINT",
                    constraints.Take(ObjectSamples).ToList()),
        ];
    }, ct);

    private static string Plural(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";

    private static async Task<List<string>> NamesAsync(NpgsqlConnection conn, string sql, IReadOnlyList<string> tables, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter("t", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = tables.ToArray() });
        var names = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            names.Add(r.GetString(0));
        }
        return names;
    }
}

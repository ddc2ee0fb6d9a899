using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Schema;
using Cutover.Sqlite.Internal;
using Cutover.Verification;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite;

/// <summary>What <c>cutover audit</c> asks of a SQLite target: foreign keys that point nowhere, and SQLite's own checks.</summary>
internal sealed partial class SqliteStore
{
    /// <summary>The most <c>integrity_check</c> messages an audit keeps (SQLite stops after this many).</summary>
    private const int IntegrityMessages = 100;

    /// <summary>
    /// An anti-join on the parent, with the parent's column on the left of each comparison so SQLite compares in the
    /// parent's collation and affinity, as its own foreign key check does.
    /// </summary>
    public Task<ForeignKeyViolations> FindForeignKeyViolationsAsync(TargetTable table, ForeignKeySchema foreignKey, int samples, CancellationToken ct)
    {
        if (_conn is null)
        {
            return Task.FromResult(new ForeignKeyViolations(0, []));
        }
        var key = table.KeyIsRowid ? ["rowid"] : table.Key;
        var keyExprs = key.Select(k => "c." + SqliteSql.KeyExpr(k, table.KeyIsRowid)).ToList();
        var notNull = string.Join(" AND ", foreignKey.Columns.Select(c => $"c.{SqliteSql.Quote(c)} IS NOT NULL"));
        var match = string.Join(" AND ", foreignKey.Columns.Zip(foreignKey.RefColumns, (c, p) => $"p.{SqliteSql.Quote(p)} = c.{SqliteSql.Quote(c)}"));
        var from = $"FROM {SqliteSql.Quote(table.Name)} AS c WHERE {notNull} AND NOT EXISTS (SELECT 1 FROM {SqliteSql.Quote(foreignKey.RefTable)} AS p WHERE {match})";
        try
        {
            using var cmd = Conn.CreateCommand();
            cmd.CommandText = $"SELECT COUNT(*) {from}";
            var count = (long)cmd.ExecuteScalar()!;
            if (count == 0 || samples <= 0)
            {
                return Task.FromResult(new ForeignKeyViolations(count, []));
            }
            cmd.CommandText = $"SELECT {string.Join(", ", keyExprs)} {from} ORDER BY {string.Join(", ", keyExprs)} LIMIT {samples}";
            return Task.FromResult(new ForeignKeyViolations(count, ReadAll(cmd, key.Count).ToList()));
        }
        catch (SqliteException ex)
        {
            throw new CutoverException(ErrorCodes.UnsupportedSchema,
                $"foreign key {table.Name} ({string.Join(", ", foreignKey.Columns)}) -> {foreignKey.RefTable} cannot be checked: {ex.Message.Split('\n')[0]}");
        }
    }

    /// <summary><c>PRAGMA integrity_check</c> of the whole file, and <c>pragma_foreign_key_check</c> of each table.</summary>
    public Task<IReadOnlyList<AuditFinding>> CheckIntegrityAsync(IReadOnlyList<string> tables, CancellationToken ct)
    {
        if (_conn is null)
        {
            return Task.FromResult<IReadOnlyList<AuditFinding>>([]);
        }
        return Task.FromResult<IReadOnlyList<AuditFinding>>([IntegrityCheck(), ForeignKeyCheck(tables)]);
    }

    private AuditFinding IntegrityCheck()
    {
        var messages = new List<string>();
        try
        {
            using var cmd = Command($"PRAGMA integrity_check({IntegrityMessages})");
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                messages.Add(r.GetString(0));
            }
        }
        catch (SqliteException ex)
        {
            // A file damaged badly enough fails the check itself ("database disk image is malformed").
            messages.Add(ex.Message.Split('\n')[0]);
        }
        if (messages is ["ok"])
        {
            return new AuditFinding(AuditChecks.IntegrityCheck, Display, true, 0, "ok", []);
        }
        var detail = messages[0] + (messages.Count > 1 ? $" (and {messages.Count - 1} more{(messages.Count >= IntegrityMessages ? ", listing stopped at " + IntegrityMessages : "")})" : "");
        return new AuditFinding(AuditChecks.IntegrityCheck, Display, false, messages.Count, detail, messages);
    }

    private AuditFinding ForeignKeyCheck(IReadOnlyList<string> tables)
    {
        long total = 0;
        var samples = new List<string>();
        var errors = new List<string>();
        foreach (var table in tables)
        {
            using var cmd = Command("SELECT COUNT(*) FROM pragma_foreign_key_check(@t)");
            cmd.Parameters.AddWithValue("@t", table);
            try
            {
                var n = (long)cmd.ExecuteScalar()!;
                total += n;
                if (n > 0)
                {
                    samples.Add($"{table}: {n}");
                }
            }
            catch (SqliteException ex)
            {
                // "foreign key mismatch": a foreign key to parent columns without a unique index, which SQLite cannot enforce.
                errors.Add($"{table}: {ex.Message.Split('\n')[0]}");
            }
        }
        var subject = $"{Display} ({tables.Count} tables)";
        if (errors.Count > 0)
        {
            return new AuditFinding(AuditChecks.ForeignKeyCheck, subject, false, total,
                $"foreign keys SQLite cannot check: {string.Join("; ", errors)}", [.. samples, .. errors]);
        }
        return total == 0
            ? new AuditFinding(AuditChecks.ForeignKeyCheck, subject, true, 0, "no row violates a foreign key", [])
            : new AuditFinding(AuditChecks.ForeignKeyCheck, subject, false, total, $"{total} {(total == 1 ? "row violates" : "rows violate")} a foreign key", samples);
    }

    private SqliteCommand Command(string sql)
    {
        var cmd = Conn.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }
}

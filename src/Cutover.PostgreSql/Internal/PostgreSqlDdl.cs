using System.Text;
using System.Text.RegularExpressions;
using Cutover.Errors;
using Cutover.PostgreSql.Types;
using Cutover.Schema;
using NpgsqlTypes;

namespace Cutover.PostgreSql.Internal;

/// <summary>One target column: its name, PostgreSQL type and the type its values are bound with.</summary>
internal sealed record PgColumn(string Name, string PgType, NpgsqlDbType DbType);

/// <summary>CREATE TABLE / INDEX / FOREIGN KEY text for a <see cref="TargetTable"/>, after checking every identifier and type.</summary>
internal static partial class PostgreSqlDdl
{
    /// <summary>The PostgreSQL columns of <paramref name="t"/>; throws PLAN_INVALID listing every problem (names and types) at once.</summary>
    public static IReadOnlyList<PgColumn> Columns(TargetTable t)
    {
        if (t.KeyIsRowid)
        {
            throw new CutoverException(ErrorCodes.UnsupportedSchema,
                $"table \"{t.Name}\" is copied by SQLite rowid, which PostgreSQL has no equivalent of yet; give it a primary key or a key: in the plan");
        }
        var ids = new List<TargetIdentifier> { new(IdentifierKind.Table, t.Name) };
        ids.AddRange(t.Columns.Select(c => new TargetIdentifier(IdentifierKind.Column, c.Name, t.Name)));
        ids.AddRange(t.Indexes.Where(i => i.Name.Length > 0 && !i.IsExpression).Select(i => new TargetIdentifier(IdentifierKind.Index, i.Name, t.Name)));
        var problems = PostgreSqlIdentifiers.Validate(ids).ToList();
        var columns = new List<PgColumn>();
        foreach (var c in t.Columns)
        {
            var m = PostgreSqlTypeMapper.Map(c.Name, c.DeclaredType);
            if (!m.Succeeded)
            {
                problems.Add(m.Error!);
                continue;
            }
            try
            {
                columns.Add(new PgColumn(c.Name, m.PostgreSqlType!, PgValues.DbTypeOf(m.PostgreSqlType!)));
            }
            catch (CutoverException ex)
            {
                problems.Add($"column '{c.Name}': {ex.Message}");
            }
        }
        if (problems.Count > 0)
        {
            throw new CutoverException(ErrorCodes.PlanInvalid,
                $"table \"{t.Name}\" cannot be created in PostgreSQL: {string.Join("; ", problems)}") { Details = problems };
        }
        return columns;
    }

    public static string CreateTable(TargetTable t)
    {
        var columns = Columns(t);
        var notes = new List<string>();
        var sb = new StringBuilder();
        sb.Append("CREATE TABLE ").Append(PgSql.Quote(t.Name)).Append(" (");
        for (var i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            var source = t.Columns[i];
            sb.Append(i == 0 ? "\n  " : ",\n  ").Append(PgSql.Quote(c.Name)).Append(' ').Append(c.PgType);
            if (source.NotNull)
            {
                sb.Append(" NOT NULL");
            }
            if (source.DefaultSql is { } d)
            {
                var pgDefault = Default(d.Trim(), c.DbType);
                if (pgDefault is null)
                {
                    notes.Add($"-- default {d.Replace('\n', ' ')} of \"{c.Name}\" is not a simple literal and is not carried over");
                }
                else
                {
                    sb.Append(" DEFAULT ").Append(pgDefault);
                }
            }
        }
        if (t.Key.Count > 0)
        {
            sb.Append(",\n  PRIMARY KEY (").Append(PgSql.QuoteList(t.Key)).Append(')');
        }
        sb.Append("\n)");
        return notes.Count == 0 ? sb.ToString() : string.Join("\n", notes) + "\n" + sb;
    }

    /// <summary>Only simple literals pass: numbers, quoted strings, NULL, CURRENT_TIMESTAMP (written the way SQLite formats it).</summary>
    private static string? Default(string d, NpgsqlDbType type)
    {
        while (d.Length > 2 && d[0] == '(' && d[^1] == ')')
        {
            d = d[1..^1].Trim();
        }
        if (d.Equals("NULL", StringComparison.OrdinalIgnoreCase))
        {
            return "NULL";
        }
        var isText = type is NpgsqlDbType.Text or NpgsqlDbType.Varchar;
        if (Number().IsMatch(d))
        {
            return type switch
            {
                NpgsqlDbType.Bigint when Integer().IsMatch(d) => d,
                NpgsqlDbType.Double or NpgsqlDbType.Numeric => d,
                NpgsqlDbType.Boolean when d is "0" or "1" => d == "1" ? "true" : "false",
                _ when isText => PgSql.Literal(d),
                _ => null,
            };
        }
        if (QuotedString().IsMatch(d))
        {
            return isText ? d : null;
        }
        if (d.Equals("CURRENT_TIMESTAMP", StringComparison.OrdinalIgnoreCase) && isText)
        {
            return "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')";
        }
        return null;
    }

    /// <summary>Foreign keys then secondary indexes, each as a statement plus the name it creates (to skip what exists).</summary>
    public static IEnumerable<(string Name, bool IsConstraint, string Sql)> CreateIndexes(TargetTable t)
    {
        foreach (var fk in t.ForeignKeys)
        {
            var name = PostgreSqlIdentifiers.Truncate($"{t.Name}_{string.Join("_", fk.Columns)}_fkey");
            var refCols = fk.RefColumns.Count > 0 ? $" ({PgSql.QuoteList(fk.RefColumns)})" : "";
            yield return (name, true, $"ALTER TABLE {PgSql.Quote(t.Name)} ADD CONSTRAINT {PgSql.Quote(name)} FOREIGN KEY ({PgSql.QuoteList(fk.Columns)}) REFERENCES {PgSql.Quote(fk.RefTable)}{refCols}");
        }
        foreach (var ix in t.Indexes.Where(i => !i.IsExpression && i.Columns.Count > 0))
        {
            var name = ix.Name.Length > 0 ? ix.Name : PostgreSqlIdentifiers.Truncate($"{t.Name}_{string.Join("_", ix.Columns)}_{(ix.Unique ? "key" : "idx")}");
            yield return (name, false, $"CREATE {(ix.Unique ? "UNIQUE " : "")}INDEX IF NOT EXISTS {PgSql.Quote(name)} ON {PgSql.Quote(t.Name)} ({PgSql.QuoteList(ix.Columns)})");
        }
    }

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex Number();

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^'([^']|'')*'$")]
    private static partial Regex QuotedString();
}

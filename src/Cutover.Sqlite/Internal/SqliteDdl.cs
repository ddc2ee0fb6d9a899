using System.Text;
using Cutover.Schema;

namespace Cutover.Sqlite.Internal;

/// <summary>DDL for target tables and indexes. Declared types were checked (plan) or came from SQLite itself (source schema).</summary>
internal static class SqliteDdl
{
    public static string CreateTable(TargetTable t)
    {
        var sb = new StringBuilder();
        sb.Append("CREATE TABLE ").Append(SqliteSql.Quote(t.Name)).Append(" (");
        var inlineKey = t.Key.Count == 1 && !t.KeyIsRowid && t.AutoIncrement;
        for (var i = 0; i < t.Columns.Count; i++)
        {
            var c = t.Columns[i];
            sb.Append(i == 0 ? "\n  " : ",\n  ").Append(SqliteSql.Quote(c.Name));
            var declared = SqliteTypes.DeclaredType(c);
            if (declared.Length > 0)
            {
                sb.Append(' ').Append(declared);
            }
            if (inlineKey && c.Name == t.Key[0])
            {
                sb.Append(" PRIMARY KEY AUTOINCREMENT");
            }
            if (c.NotNull)
            {
                sb.Append(" NOT NULL");
            }
            if (c.DefaultSql is not null)
            {
                sb.Append(" DEFAULT (").Append(c.DefaultSql).Append(')');
            }
        }
        var primaryKey = t.KeyIsRowid ? t.DeclaredPrimaryKey : t.Key;
        if (primaryKey.Count > 0 && !inlineKey)
        {
            sb.Append(",\n  PRIMARY KEY (").Append(SqliteSql.QuoteList(primaryKey)).Append(')');
        }
        foreach (var fk in t.ForeignKeys)
        {
            sb.Append(",\n  FOREIGN KEY (").Append(SqliteSql.QuoteList(fk.Columns)).Append(") REFERENCES ")
              .Append(SqliteSql.Quote(fk.RefTable)).Append(" (").Append(SqliteSql.QuoteList(fk.RefColumns)).Append(')');
        }
        sb.Append("\n)");
        if (t.WithoutRowid)
        {
            sb.Append(" WITHOUT ROWID");
        }
        return sb.ToString();
    }

    public static IEnumerable<string> CreateIndexes(TargetTable t)
    {
        foreach (var ix in t.Indexes.Where(i => !i.IsExpression && i.Columns.Count > 0))
        {
            var name = ix.Name.Length > 0 ? ix.Name : $"{t.Name}_{string.Join("_", ix.Columns)}_{(ix.Unique ? "key" : "idx")}";
            yield return $"CREATE {(ix.Unique ? "UNIQUE " : "")}INDEX IF NOT EXISTS {SqliteSql.Quote(name)} ON {SqliteSql.Quote(t.Name)} ({SqliteSql.QuoteList(ix.Columns)})";
        }
    }
}

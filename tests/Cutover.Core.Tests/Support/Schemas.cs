using Cutover.Schema;

namespace Cutover.Core.Tests.Support;

/// <summary>Hand-built schema records for binder, transformer and starter-plan tests.</summary>
internal static class Schemas
{
    public static ColumnSchema Col(string name, string type = "INTEGER", int pk = 0, bool notNull = false, string? defaultSql = null) =>
        new(name, type, notNull, defaultSql, pk);

    public static TableSchema Table(
        string name,
        ColumnSchema[] columns,
        ForeignKeySchema[]? foreignKeys = null,
        IndexSchema[]? indexes = null,
        bool hasRowid = true,
        bool autoIncrement = false) =>
        new(
            name,
            columns,
            columns.Where(c => c.PrimaryKeyOrdinal > 0).OrderBy(c => c.PrimaryKeyOrdinal).Select(c => c.Name).ToList(),
            foreignKeys ?? [],
            indexes ?? [],
            hasRowid,
            autoIncrement);

    public static ForeignKeySchema Fk(string column, string refTable, string refColumn) => new([column], refTable, [refColumn]);

    public static DatabaseSchema Db(params TableSchema[] tables) => new(tables, []);
}

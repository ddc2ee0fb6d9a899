using Cutover.Connectors;
using Cutover.Schema;

namespace Cutover.Sqlite.Tests.Support;

/// <summary>Opening stores and reading them out, for the SQLite-specific tests.</summary>
internal static class Stores
{
    public static SqliteStore Source(string path) => new(path, "source", readOnly: true);

    public static SqliteStore Target(string path) => new(path, "target", readOnly: false);

    public static async Task<List<object?[]>> ReadAllAsync(ISourceStore store, ReadRequest request)
    {
        var rows = new List<object?[]>();
        await foreach (var row in store.ReadAsync(request, CancellationToken.None))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>A rowid table: one data column per name, all declared TEXT unless given "name type".</summary>
    public static TargetTable Table(string name, IReadOnlyList<string> key, params string[] columns) => new(
        name,
        columns.Select(c => c.Split(' ', 2) is [var n, var t] ? new TargetColumn(n, t, false, null) : new TargetColumn(c, "TEXT", false, null)).ToList(),
        key,
        KeyIsRowid: key is ["rowid"],
        WithoutRowid: false,
        AutoIncrement: false,
        ForeignKeys: [],
        Indexes: []);

    public static ReadRequest Request(TargetTable t, IReadOnlyList<object?>? after = null) =>
        new(t.Name, (t.KeyIsRowid ? ["rowid"] : Array.Empty<string>()).Concat(t.Columns.Select(c => c.Name)).ToList(), t.Key, t.KeyIsRowid, after);
}

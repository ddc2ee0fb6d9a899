using System.Data.Common;
using Cutover.Capture;
using Cutover.Connectors;
using Cutover.Schema;
using Cutover.Values;

namespace Cutover.Testing.Conformance;

/// <summary>
/// What <c>capture: triggers</c> must do on every store (docs/capture.md), written against <see cref="IChangeCapture"/>,
/// <see cref="ITargetStore.ApplyAsync"/> and an application's own ADO.NET connection. A connector's test class derives from
/// this and supplies the stores; a "store" here is whatever string the subclass uses to find one again (a path, a database).
/// </summary>
public abstract partial class CaptureConformance : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _open = [];

    /// <summary>The declared column type the engine uses for values of <paramref name="kind"/>.</summary>
    protected abstract string DeclaredType(ValueKind kind);

    /// <summary>A new store in which <paramref name="ddl"/> has run; returns how the other members find it.</summary>
    protected abstract Task<string> CreateStoreCoreAsync(IReadOnlyList<string> ddl);

    /// <summary>Capture (<see cref="CaptureMode.Triggers"/>) on <paramref name="store"/>; nothing installed yet.</summary>
    protected abstract Task<IChangeCapture> OpenCaptureCoreAsync(string store);

    /// <summary><paramref name="store"/> opened as a writable target (for <see cref="ITargetStore.ApplyAsync"/> and reading rows).</summary>
    protected abstract Task<ITargetStore> OpenTargetCoreAsync(string store);

    /// <summary>An open connection of the application's own, not Cutover's. Parameters are named <c>@p0</c>, <c>@p1</c>...</summary>
    protected abstract Task<DbConnection> ConnectApplicationAsync(string store);

    /// <summary>The names of every object capture installed on <paramref name="store"/> (tables, triggers, functions...).</summary>
    protected abstract Task<IReadOnlyList<string>> CutoverObjectsAsync(string store);

    /// <summary>Releases engine resources (files, databases) after everything opened is disposed.</summary>
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _open.Count - 1; i >= 0; i--)
        {
            await _open[i].DisposeAsync();
        }
        await CleanupAsync();
    }

    protected static readonly TableSpec Kv = new("kv", [new("k", ValueKind.Integer), new("v", ValueKind.Text)], ["k"]);

    protected static readonly TableSpec Kinds = new("kinds",
        [new("k", ValueKind.Integer), new("i", ValueKind.Integer), new("r", ValueKind.Real), new("t", ValueKind.Text), new("b", ValueKind.Blob)], ["k"]);

    protected Task<string> CreateStoreAsync(params TableSpec[] tables) => CreateStoreCoreAsync(tables.Select(CreateTableSql).ToList());

    protected async Task<IChangeCapture> OpenCaptureAsync(string store)
    {
        var capture = await OpenCaptureCoreAsync(store);
        _open.Add(capture);
        return capture;
    }

    protected async Task<ITargetStore> OpenTargetAsync(string store)
    {
        var target = await OpenTargetCoreAsync(store);
        _open.Add(target);
        return target;
    }

    /// <summary>A store holding <paramref name="tables"/> with capture started on all of them.</summary>
    protected async Task<(string Store, IChangeCapture Capture)> CapturedStoreAsync(params TableSpec[] tables)
    {
        var store = await CreateStoreAsync(tables);
        var capture = await OpenCaptureAsync(store);
        await capture.StartAsync(tables.Select(Capture).ToList(), CancellationToken.None);
        return (store, capture);
    }

    protected string CreateTableSql(TableSpec t)
    {
        var cols = t.Columns.Select(c => $"{Quote(c.Name)} {DeclaredType(c.Kind)}").ToList();
        if (t.Key.Count > 0)
        {
            cols.Add($"PRIMARY KEY ({string.Join(", ", t.Key.Select(Quote))})");
        }
        return $"CREATE TABLE {Quote(t.Name)} ({string.Join(", ", cols)})";
    }

    protected static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    protected static CaptureTable Capture(TableSpec t) => new(t.Name, t.ColumnNames, t.Key, KeyIsRowid: false);

    protected TargetTable Target(TableSpec t) => new(
        t.Name,
        t.Columns.Select(c => new TargetColumn(c.Name, DeclaredType(c.Kind), t.Key.Contains(c.Name), null)).ToList(),
        t.Key,
        KeyIsRowid: false,
        WithoutRowid: false,
        AutoIncrement: false,
        ForeignKeys: [],
        Indexes: []);

    /// <summary>INSERT of every column of <paramref name="t"/>, parameters in column order.</summary>
    protected static string Insert(TableSpec t) =>
        $"INSERT INTO {Quote(t.Name)} ({string.Join(", ", t.Columns.Select(c => Quote(c.Name)))}) VALUES ({string.Join(", ", t.Columns.Select((_, i) => "@p" + i))})";

    /// <summary>One statement in its own (autocommit) transaction, on a new application connection.</summary>
    protected async Task ExecAsync(string store, string sql, params object?[] args)
    {
        await using var conn = await ConnectApplicationAsync(store);
        await using var cmd = AppCommand(conn, null, sql, args);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Several statements in one application transaction.</summary>
    protected async Task TransactionAsync(string store, params (string Sql, object?[] Args)[] statements)
    {
        await using var conn = await ConnectApplicationAsync(store);
        await RunTransactionAsync(conn, statements);
    }

    protected static async Task RunTransactionAsync(DbConnection conn, IEnumerable<(string Sql, object?[] Args)> statements)
    {
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var (sql, args) in statements)
        {
            await using var cmd = AppCommand(conn, tx, sql, args);
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    protected static DbCommand AppCommand(DbConnection conn, DbTransaction? tx, string sql, object?[] args)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        for (var i = 0; i < args.Length; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@p" + i;
            p.Value = args[i] ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <summary>Every row of <paramref name="t"/> in key order, as the store reads it for a copy.</summary>
    protected static async Task<List<object?[]>> RowsAsync(ISourceStore store, TableSpec t)
    {
        var rows = new List<object?[]>();
        await foreach (var row in store.ReadAsync(new ReadRequest(t.Name, t.ColumnNames, t.Key, false), CancellationToken.None))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// A batch as sync would apply it: per table, the last change of each key wins (an insert or update is an upsert of its row,
    /// a delete a delete of its key); tables in the order given.
    /// </summary>
    protected static List<TableChanges> ToTableChanges(ChangeBatch batch, IReadOnlyList<(CaptureTable Capture, TargetTable Target)> tables)
    {
        var result = new List<TableChanges>();
        foreach (var (capture, target) in tables)
        {
            var keyIdx = capture.Key.Select(k => capture.Columns.ToList().FindIndex(c => string.Equals(c, k, StringComparison.OrdinalIgnoreCase))).ToArray();
            var last = new Dictionary<string, CapturedChange>();
            var order = new List<string>();
            foreach (var change in batch.Changes.Where(c => c.Table == capture.Table))
            {
                var id = string.Join("\u0001", keyIdx.Select(i => KeyText(change.Row[i])));
                if (last.TryAdd(id, change))
                {
                    order.Add(id);
                }
                last[id] = change;
            }
            var finals = order.Select(id => last[id]).ToList();
            result.Add(new TableChanges(
                target,
                finals.Where(c => c.Kind != ChangeKind.Delete).Select(c => c.Row).ToList(),
                finals.Where(c => c.Kind == ChangeKind.Delete).Select(c => (IReadOnlyList<object?>)keyIdx.Select(i => c.Row[i]).ToArray()).ToList()));
        }
        return result;
    }

    private static string KeyText(object? v) => v switch
    {
        null => "null",
        byte[] b => "x" + Convert.ToHexString(b),
        IFormattable f => v.GetType().Name + ":" + f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.GetType().Name + ":" + v,
    };

    /// <summary>Reads, applies and acknowledges until nothing is pending; returns the batches read.</summary>
    protected static async Task<List<ChangeBatch>> DrainAsync(IChangeCapture capture, ITargetStore target, IReadOnlyList<(CaptureTable, TargetTable)> tables, int maxChanges)
    {
        var batches = new List<ChangeBatch>();
        while (true)
        {
            var batch = await capture.ReadAsync(maxChanges, CancellationToken.None);
            if (batch.Changes.Count == 0)
            {
                return batches;
            }
            batches.Add(batch);
            await target.ApplyAsync(ToTableChanges(batch, tables), CancellationToken.None);
            await capture.AcknowledgeAsync(batch, CancellationToken.None);
        }
    }

    protected static async Task<ChangeBatch> ReadAllPendingAsync(IChangeCapture capture) => await capture.ReadAsync(100_000, CancellationToken.None);
}

using Cutover.Capture;
using Cutover.Connectors;
using Cutover.PostgreSql.Tests.Server;
using Cutover.Schema;
using Cutover.Values;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Capture;

/// <summary>
/// What every PostgreSQL capture does, held to by trigger capture and logical capture alike (each subclass names its mode):
/// typed row images in commit order, whole transactions, a queue that loses nothing, status, the freeze, applying, removal.
/// Every test runs against the throwaway server, in a database of its own and with a plan name of its own (slots are
/// server-wide).
/// </summary>
public abstract partial class CaptureTestBase : StoreTestBase
{
    protected static readonly CancellationToken None = CancellationToken.None;

    protected abstract CaptureMode Mode { get; }

    protected string PlanName { get; } = "test_" + Guid.NewGuid().ToString("N")[..16];

    protected const string TypedDdl =
        "CREATE TABLE t (id bigint PRIMARY KEY, i int, n numeric, f float8, s text, b bytea, ok boolean, at timestamptz, d date, j jsonb, u uuid)";

    protected static readonly CaptureTable Typed = new("t", ["id", "i", "n", "f", "s", "b", "ok", "at", "d", "j", "u"], ["id"], false);

    /// <summary>The same table as a target: created in a second database by the store, so replaying into it goes the real way.</summary>
    protected static readonly TargetTable TypedTarget = new("t",
        [
            new TargetColumn("id", "bigint", true, null) { Kind = ColumnKind.Integer },
            new TargetColumn("i", "integer", false, null) { Kind = ColumnKind.Integer },
            new TargetColumn("n", "numeric", false, null) { Kind = ColumnKind.Numeric },
            new TargetColumn("f", "double precision", false, null) { Kind = ColumnKind.Real },
            new TargetColumn("s", "text", false, null) { Kind = ColumnKind.Text },
            new TargetColumn("b", "bytea", false, null) { Kind = ColumnKind.Blob },
            new TargetColumn("ok", "boolean", false, null) { Kind = ColumnKind.Boolean },
            new TargetColumn("at", "timestamp with time zone", false, null) { Kind = ColumnKind.Timestamp },
            new TargetColumn("d", "date", false, null) { Kind = ColumnKind.Date },
            new TargetColumn("j", "jsonb", false, null) { Kind = ColumnKind.Json },
            new TargetColumn("u", "uuid", false, null) { Kind = ColumnKind.Other },
        ],
        ["id"], KeyIsRowid: false, WithoutRowid: false, AutoIncrement: false, ForeignKeys: [], Indexes: []);

    /// <summary>Opens the capture of this test's mode and plan on <paramref name="uri"/> (the test's database by default).</summary>
    protected async Task<IChangeCapture> OpenCaptureAsync(string? uri = null) =>
        Track(await Provider.OpenCaptureAsync(uri ?? DatabaseUri, ".", Mode, PlanName, None));

    protected Task Sql(params string[] sql) => TestDatabases.ExecAsync(DatabaseUri, sql);

    protected Task<NpgsqlConnection> ConnectAsync() => TestDatabases.OpenAsync(DatabaseUri);

    /// <summary>Reads (and acknowledges) until a read comes back empty; every batch read, in order.</summary>
    protected static async Task<List<ChangeBatch>> DrainAsync(IChangeCapture capture, int maxChanges = 1000)
    {
        var batches = new List<ChangeBatch>();
        while (true)
        {
            var batch = await capture.ReadAsync(maxChanges, None);
            if (batch.Changes.Count == 0)
            {
                return batches;
            }
            batches.Add(batch);
            await capture.AcknowledgeAsync(batch, None);
        }
    }

    protected async Task<List<object?[]>> RowsAsync(ISourceStore store, string table, IReadOnlyList<string> columns, IReadOnlyList<string> key)
    {
        var rows = new List<object?[]>();
        await foreach (var r in store.ReadAsync(new ReadRequest(table, columns, key, false), None))
        {
            rows.Add(r);
        }
        return rows;
    }

    protected static Timestamp Iso(string s) => Timestamp.TryParseIso(s, out var t, out var why) ? t : throw new FormatException(why);

    /// <summary>
    /// The net effect of <paramref name="changes"/> on each table, as sync would apply it: per key, the last change wins (an
    /// insert or update is an upsert of its row, a delete a delete of its key); tables in the order given.
    /// </summary>
    protected static List<TableChanges> Collapse(IEnumerable<CapturedChange> changes, params (TargetTable Target, CaptureTable Capture)[] tables)
    {
        var result = new List<TableChanges>();
        var list = changes.ToList();
        foreach (var (target, capture) in tables)
        {
            var keyIndex = capture.Key.Select(k => capture.Columns.ToList().IndexOf(k)).ToArray();
            var last = new Dictionary<string, CapturedChange>();
            var order = new List<string>();
            foreach (var c in list.Where(c => c.Table == capture.Table))
            {
                var key = KeyCodec.Encode(keyIndex.Select(i => c.Row[i]).ToList());
                if (!last.ContainsKey(key))
                {
                    order.Add(key);
                }
                last[key] = c;
            }
            var upserts = order.Select(k => last[k]).Where(c => c.Kind != ChangeKind.Delete).Select(c => c.Row).ToList();
            var deletes = order.Select(k => last[k]).Where(c => c.Kind == ChangeKind.Delete)
                .Select(c => (IReadOnlyList<object?>)keyIndex.Select(i => c.Row[i]).ToList()).ToList();
            result.Add(new TableChanges(target, upserts, deletes));
        }
        return result;
    }

    /// <summary>Inserts one row of the typed table with every value bound as PostgreSQL's own type.</summary>
    protected async Task InsertTypedAsync(NpgsqlConnection conn, long id, int? i, string? n, double? f, string? s, byte[]? b, bool? ok, string? at, string? d, string? j, string? u)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO t VALUES (@id, @i, @n::numeric, @f, @s, @b, @ok, @at::timestamptz, @d::date, @j::jsonb, @u::uuid)", conn);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("i", NpgsqlTypes.NpgsqlDbType.Integer, (object?)i ?? DBNull.Value);
        cmd.Parameters.AddWithValue("n", NpgsqlTypes.NpgsqlDbType.Text, (object?)n ?? DBNull.Value);
        cmd.Parameters.AddWithValue("f", NpgsqlTypes.NpgsqlDbType.Double, (object?)f ?? DBNull.Value);
        cmd.Parameters.AddWithValue("s", NpgsqlTypes.NpgsqlDbType.Text, (object?)s ?? DBNull.Value);
        cmd.Parameters.AddWithValue("b", NpgsqlTypes.NpgsqlDbType.Bytea, (object?)b ?? DBNull.Value);
        cmd.Parameters.AddWithValue("ok", NpgsqlTypes.NpgsqlDbType.Boolean, (object?)ok ?? DBNull.Value);
        cmd.Parameters.AddWithValue("at", NpgsqlTypes.NpgsqlDbType.Text, (object?)at ?? DBNull.Value);
        cmd.Parameters.AddWithValue("d", NpgsqlTypes.NpgsqlDbType.Text, (object?)d ?? DBNull.Value);
        cmd.Parameters.AddWithValue("j", NpgsqlTypes.NpgsqlDbType.Text, (object?)j ?? DBNull.Value);
        cmd.Parameters.AddWithValue("u", NpgsqlTypes.NpgsqlDbType.Text, (object?)u ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync();
    }

    protected static async Task ExecAsync(NpgsqlConnection conn, string sql, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync();
    }
}

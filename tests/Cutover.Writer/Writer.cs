using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cutover.Plan;
using Cutover.PostgreSql;
using Cutover.Sqlite;
using Cutover.State;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cutover.Writer;

/// <summary>
/// Inserts, updates and deletes rows of <c>items(id, name, qty, price)</c> at a steady rate, on the store the control state
/// says is authoritative (re-read before every write, as an application following Cutover would). Every tenth write is a
/// two-statement transaction. A write refused by Cutover's freeze (WRITES_FROZEN) is not acknowledged: the writer re-reads
/// the authority and tries again. Every acknowledged write goes to the log (JSON lines) and to the model of what the
/// table must hold, written to --model at the end.
/// </summary>
internal sealed class Writer(WriterOptions o)
{
    private readonly Random _random = new(42);
    private readonly SortedDictionary<long, Item?> _model = [];
    private readonly List<long> _live = [];
    private long _nextId = o.FirstId;

    private sealed record Item(long Id, string Name, long Qty, double Price);

    public async Task<string> RunAsync(CancellationToken ct)
    {
        for (var id = 1L; id <= o.SeedMaxId; id++)
        {
            _live.Add(id);
        }
        var plan = PlanLoader.Load(o.Plan);
        await using IStateStore state = plan.StateIsRemote
            ? (await PostgreSqlStateStore.OpenAsync(plan.State!, plan.Name, create: false, ct))!
            : WaitForSqliteState(plan.StatePath);
        await using var source = Open(o.Source);
        await using var target = Open(o.Target);
        await using var log = new StreamWriter(o.Log) { AutoFlush = false };
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1 / o.Rate);
        long acked = 0, refused = 0, errors = 0, n = 0;
        var lastAck = TimeSpan.Zero;
        var maxGap = TimeSpan.Zero;
        var perStore = new Dictionary<string, long> { ["source"] = 0, ["target"] = 0 };
        while (!ct.IsCancellationRequested && clock.Elapsed.TotalSeconds < o.Seconds && (o.StopFile is null || !File.Exists(o.StopFile)))
        {
            var due = interval * n;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, CancellationToken.None);
            }
            n++;
            var ops = PlanOps(n % 10 == 0 ? 2 : 1);
            while (true)
            {
                var authority = await state.GetValueAsync(ControlKeys.Authority, CancellationToken.None) ?? "source";
                var conn = authority == "target" ? target : source;
                try
                {
                    await ExecuteAsync(conn, ops);
                    var at = clock.Elapsed;
                    if (acked > 0 && at - lastAck > maxGap)
                    {
                        maxGap = at - lastAck;
                    }
                    lastAck = at;
                    acked++;
                    perStore[authority]++;
                    foreach (var op in ops)
                    {
                        Apply(op);
                        await log.WriteLineAsync(JsonSerializer.Serialize(new { n = acked, at_ms = Math.Round(at.TotalMilliseconds, 1), store = authority, op = op.Kind, id = op.Item.Id, name = op.Item.Name, qty = op.Item.Qty, price = op.Item.Price }));
                    }
                    break;
                }
                catch (DbException ex) when (IsFrozen(ex))
                {
                    refused++;
                    await Task.Delay(5, CancellationToken.None);
                }
                catch (DbException ex) when (IsBusy(ex))
                {
                    errors++;
                    await Task.Delay(2, CancellationToken.None);
                }
            }
        }
        await log.FlushAsync(CancellationToken.None);
        await File.WriteAllTextAsync(o.Model, JsonSerializer.Serialize(_model.Select(kv => new { id = kv.Key, row = kv.Value })), CancellationToken.None);
        return JsonSerializer.Serialize(new
        {
            acked,
            refused,
            retried_busy = errors,
            on_source = perStore["source"],
            on_target = perStore["target"],
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            max_gap_ms = Math.Round(maxGap.TotalMilliseconds, 1),
            live_rows = _live.Count,
        });
    }

    private static SqliteStateStore WaitForSqliteState(string path)
    {
        // The writer starts before migrate creates the state; until then the source is authoritative.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (SqliteStateStore.Open(path, create: false) is { } s)
                {
                    return s;
                }
            }
            catch (Errors.CutoverException) when (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"no state at {path} after 60 s");
            }
            Thread.Sleep(50);
        }
    }

    private sealed record Op(string Kind, Item Item);

    /// <summary>Picks the next writes against the model, without applying them (they count only once acknowledged).</summary>
    private List<Op> PlanOps(int count)
    {
        var ops = new List<Op>();
        var taken = new HashSet<long>();
        var pending = _nextId;
        for (var i = 0; i < count; i++)
        {
            var roll = _random.NextDouble();
            var candidates = _live.Count;
            if (roll < 0.45 || candidates < 10)
            {
                ops.Add(new Op("insert", NewItem(pending++)));
                continue;
            }
            long id;
            do
            {
                id = _live[_random.Next(candidates)];
            }
            while (!taken.Add(id));
            ops.Add(roll < 0.85 ? new Op("update", NewItem(id)) : new Op("delete", new Item(id, "", 0, 0)));
        }
        return ops;
    }

    private Item NewItem(long id) => new(id, $"item-{id}-{_random.Next(1000)}" + (_random.Next(7) == 0 ? "-ünïcødé-✓" : ""), _random.NextInt64(-1_000_000, 1_000_000), Math.Round(_random.NextDouble() * 10_000, _random.Next(0, 12)));

    private void Apply(Op op)
    {
        switch (op.Kind)
        {
            case "insert":
                _model[op.Item.Id] = op.Item;
                _live.Add(op.Item.Id);
                _nextId = Math.Max(_nextId, op.Item.Id + 1);
                break;
            case "update":
                _model[op.Item.Id] = op.Item;
                break;
            default:
                _model[op.Item.Id] = null;
                _live.Remove(op.Item.Id);
                break;
        }
    }

    private static async Task ExecuteAsync(DbConnection conn, List<Op> ops)
    {
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var op in ops)
        {
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = op.Kind switch
            {
                "insert" => "INSERT INTO items (id, name, qty, price) VALUES (@id, @name, @qty, @price)",
                "update" => "UPDATE items SET name = @name, qty = @qty, price = @price WHERE id = @id",
                _ => "DELETE FROM items WHERE id = @id",
            };
            Add(cmd, "id", op.Item.Id);
            if (op.Kind != "delete")
            {
                Add(cmd, "name", op.Item.Name);
                Add(cmd, "qty", op.Item.Qty);
                Add(cmd, "price", op.Item.Price);
            }
            var rows = await cmd.ExecuteNonQueryAsync();
            if (rows != 1)
            {
                throw new InvalidOperationException($"{op.Kind} of id {op.Item.Id} touched {rows} rows; the writer's model is wrong");
            }
        }
        await tx.CommitAsync();
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private DbConnection Open(string connectionString)
    {
        DbConnection c = o.Postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString + ";Default Timeout=30");
        c.Open();
        if (!o.Postgres)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA busy_timeout = 30000";
            cmd.ExecuteNonQuery();
        }
        return c;
    }

    private static bool IsFrozen(DbException ex) => ex.Message.Contains("WRITES_FROZEN", StringComparison.Ordinal)
        || (ex is PostgresException pg && pg.SqlState == "55000");

    private static bool IsBusy(DbException ex) => ex is SqliteException { SqliteErrorCode: 5 or 6 };
}

using Cutover.Capture;
using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Npgsql;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// The part of capture both modes share: schema <c>_cutover</c> with its control row and table registry, the
/// <c>_cutover_freeze</c> trigger on every captured table, freezing (and waiting out the writes in progress), and removing it
/// all. Trigger capture adds changelogs and capture triggers in the same install transaction (<see cref="InstallAsync"/>'s
/// <c>more</c>); logical capture adds nothing to the tables.
/// </summary>
internal sealed class WriteGuard(CaptureConnections db)
{
    /// <summary>One table being installed: as resolved, as registered, and the columns it was registered with before (when they changed).</summary>
    public sealed record Installing(CaptureCatalog.Resolved Resolved, CapturedTable Table, IReadOnlyList<string>? ColumnsBefore);

    /// <summary>
    /// Installs the guard on <paramref name="tables"/> in one transaction (all of it or nothing), then runs <paramref name="more"/>
    /// in the same transaction. Safe to repeat: what exists is kept.
    /// </summary>
    public Task<IReadOnlyList<CapturedTable>> InstallAsync(IReadOnlyList<CaptureTable> tables,
        Func<NpgsqlConnection, NpgsqlTransaction, IReadOnlyList<Installing>, Task>? more, CancellationToken ct) =>
        db.RunAsync<IReadOnlyList<CapturedTable>>(async conn =>
        {
            IReadOnlyList<CapturedTable> result = [];
            await LockRetry.RunAsync(async () =>
            {
                await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
                await ExecAsync(conn, tx, $"SET LOCAL lock_timeout = '{LockRetry.Timeout}'", ct).ConfigureAwait(false);
                await ExecAsync(conn, tx, CaptureSql.Lock, ct).ConfigureAwait(false);
                await ExecAsync(conn, tx, CaptureSql.Base, ct).ConfigureAwait(false);
                await ExecAsync(conn, tx, CaptureSql.FreezeFunction, ct).ConfigureAwait(false);
                var installing = new List<Installing>();
                foreach (var t in tables)
                {
                    var resolved = await CaptureCatalog.ResolveAsync(conn, tx, t, db.Display, ct).ConfigureAwait(false);
                    var (table, before) = await CaptureCatalog.RegisterAsync(conn, tx, resolved, ct).ConfigureAwait(false);
                    if (!await HasTriggerAsync(conn, tx, table, CaptureSql.FreezeTrigger, ct).ConfigureAwait(false))
                    {
                        await ExecAsync(conn, tx, CaptureSql.CreateTrigger(CaptureSql.FreezeTrigger, "BEFORE", table.Qualified, CaptureSql.Schema + ".freeze"), ct).ConfigureAwait(false);
                    }
                    installing.Add(new Installing(resolved, table, before));
                }
                if (more is not null)
                {
                    await more(conn, tx, installing).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                result = installing.Select(i => i.Table).ToList();
            }, ct).ConfigureAwait(false);
            return result;
        }, ct);

    public static async Task<bool> HasTriggerAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CapturedTable table, string trigger, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = @t::regclass AND tgname = @n AND NOT tgisinternal)", conn, tx);
        cmd.Parameters.AddWithValue("t", table.Qualified);
        cmd.Parameters.AddWithValue("n", trigger);
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Sets the flag (<see cref="CaptureSql.FreezeFunction"/>) and commits it; when freezing, then takes and releases a SHARE ROW EXCLUSIVE lock on each guarded table,
    /// which waits for every transaction that has written it to commit or roll back. A write after the flag was committed
    /// meets the freeze trigger; a write before it holds a lock this waits for. So when this returns, every accepted write is
    /// committed (and captured) or gone.
    /// </summary>
    public async Task SetFrozenAsync(bool frozen, string message, CancellationToken ct)
    {
        var tables = await db.RunAsync(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT to_regclass('_cutover.control') IS NOT NULL", conn);
            if (!(bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
            {
                throw NotInstalled();
            }
            // Frozen: the control row (with its message) first, then the sequence that older snapshots read; thawed: the
            // other way round. So between the two (a crash, say) the row still says frozen and the freeze still holds.
            // (Separate statements: in one, the sequence would change before the row's transaction commits.)
            string[] steps = frozen
                ? ["UPDATE _cutover.control SET frozen = true, message = @m WHERE id = 1", "SELECT setval('_cutover.frozen', 1)"]
                : ["SELECT setval('_cutover.frozen', 0)", "UPDATE _cutover.control SET frozen = false, message = @m WHERE id = 1"];
            cmd.Parameters.AddWithValue("m", message);
            foreach (var step in steps)
            {
                cmd.CommandText = step;
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return await CaptureCatalog.LoadAsync(conn, null, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        if (!frozen)
        {
            return;
        }
        foreach (var table in tables)
        {
            await db.RunAsync(conn => LockRetry.RunAsync(async () =>
            {
                await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
                await ExecAsync(conn, tx, $"SET LOCAL lock_timeout = '{LockRetry.Timeout}'", ct).ConfigureAwait(false);
                try
                {
                    await ExecAsync(conn, tx, $"LOCK TABLE {table.Qualified} IN SHARE ROW EXCLUSIVE MODE", ct).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
                {
                    return; // dropped since it was guarded: nobody writes it
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }, ct), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The guard's state: installed (control row and a freeze trigger on every registered table), frozen, message.</summary>
    public Task<(bool Guarded, bool Frozen, string? Message, IReadOnlyList<CapturedTable> Tables)> StateAsync(CancellationToken ct) =>
        db.RunAsync(async conn =>
        {
            var tables = await CaptureCatalog.LoadAsync(conn, null, ct).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand("SELECT to_regclass('_cutover.control') IS NOT NULL", conn);
            if (!(bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
            {
                return (false, false, (string?)null, tables);
            }
            cmd.CommandText =
                $"""
                SELECT c.frozen, c.message,
                  (SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = '_cutover' AND t.tgname = '{CaptureSql.FreezeTrigger}')
                FROM _cutover.control c WHERE c.id = 1
                """;
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await r.ReadAsync(ct).ConfigureAwait(false))
            {
                return (false, false, null, tables);
            }
            var frozen = r.GetBoolean(0);
            var guarded = r.GetInt64(2) >= tables.Count;
            return (guarded, frozen, frozen ? r.GetString(1) : null, tables);
        }, ct);

    /// <summary>
    /// Drops every trigger whose function lives in <c>_cutover</c> (one table per transaction, each waiting briefly for its
    /// lock), then the schema with everything in it. Nothing installed: nothing happens.
    /// </summary>
    public Task RemoveAsync(CancellationToken ct) => db.RunAsync(async conn =>
    {
        var triggers = new List<(string Trigger, string Table)>();
        await using (var cmd = new NpgsqlCommand(CaptureSql.InstalledTriggers, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                triggers.Add((r.GetString(0), r.GetString(1)));
            }
        }
        foreach (var (trigger, table) in triggers)
        {
            await LockRetry.RunAsync(async () =>
            {
                await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
                await ExecAsync(conn, tx, $"SET LOCAL lock_timeout = '{LockRetry.Timeout}'", ct).ConfigureAwait(false);
                // regclass text is already quoted and schema-qualified as needed.
                await ExecAsync(conn, tx, $"DROP TRIGGER IF EXISTS {PgSql.Quote(trigger)} ON {table}", ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        await LockRetry.RunAsync(async () =>
        {
            await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            await ExecAsync(conn, tx, $"SET LOCAL lock_timeout = '{LockRetry.Timeout}'", ct).ConfigureAwait(false);
            await ExecAsync(conn, tx, CaptureSql.Lock, ct).ConfigureAwait(false);
            await ExecAsync(conn, tx, "DROP SCHEMA IF EXISTS _cutover CASCADE", ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }, ct);

    public CutoverException NotInstalled() =>
        new(ErrorCodes.CaptureNotInstalled, $"change capture is not installed on {db.Display} (no schema _cutover); start it first (cutover migrate with capture: in the plan)");

    public static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}

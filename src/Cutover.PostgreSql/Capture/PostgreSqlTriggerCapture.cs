using Cutover.Capture;
using Cutover.Errors;
using Npgsql;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// <c>capture: triggers</c> on PostgreSQL: an AFTER row trigger <c>_cutover_capture</c> on each table records every insert,
/// update and delete in <c>_cutover.log_N</c>, numbered by the sequence <c>_cutover.seq</c> and tagged with
/// <c>txid_current()</c>; a BEFORE row trigger <c>_cutover_freeze</c> refuses writes once frozen. Writes made while
/// <c>cutover.applying</c> is on (<see cref="Connectors.ITargetStore.ApplyAsync"/>) pass the freeze and are not recorded.
/// docs/capture.md describes every object. Uses its own connections, never the store's.
/// </summary>
internal sealed class PostgreSqlTriggerCapture : IChangeCapture
{
    private readonly CaptureConnections _db;
    private readonly WriteGuard _guard;

    public PostgreSqlTriggerCapture(string uri, string display)
    {
        _db = new CaptureConnections(uri, display);
        _guard = new WriteGuard(_db);
    }

    public CaptureMode Mode => CaptureMode.Triggers;

    public string Display => _db.Display;

    public Task InstallGuardAsync(IReadOnlyList<CaptureTable> tables, CancellationToken ct) =>
        _guard.InstallAsync(tables, async (conn, tx, installing) =>
        {
            foreach (var i in installing.Where(i => i.ColumnsBefore is not null))
            {
                if (await LogExistsAsync(conn, tx, i.Table, ct).ConfigureAwait(false))
                {
                    throw ColumnsChanged(i);
                }
            }
        }, ct);

    public Task StartAsync(IReadOnlyList<CaptureTable> tables, CancellationToken ct) =>
        _guard.InstallAsync(tables, async (conn, tx, installing) =>
        {
            await WriteGuard.ExecAsync(conn, tx, CaptureSql.Sequence, ct).ConfigureAwait(false);
            foreach (var i in installing)
            {
                if (i.ColumnsBefore is not null && await LogExistsAsync(conn, tx, i.Table, ct).ConfigureAwait(false))
                {
                    // A changelog of the old columns can be rebuilt only while it holds nothing to apply.
                    await using var count = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {i.Table.Log})", conn, tx);
                    if ((bool)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
                    {
                        throw ColumnsChanged(i);
                    }
                    await WriteGuard.ExecAsync(conn, tx, $"DROP TABLE {i.Table.Log}", ct).ConfigureAwait(false);
                }
                await WriteGuard.ExecAsync(conn, tx, CaptureSql.CreateLog(i.Table, i.Resolved.Types), ct).ConfigureAwait(false);
                await WriteGuard.ExecAsync(conn, tx, CaptureSql.CreateCaptureFunction(i.Table), ct).ConfigureAwait(false);
                if (!await WriteGuard.HasTriggerAsync(conn, tx, i.Table, CaptureSql.CaptureTrigger, ct).ConfigureAwait(false))
                {
                    await WriteGuard.ExecAsync(conn, tx,
                        CaptureSql.CreateTrigger(CaptureSql.CaptureTrigger, "AFTER", i.Table.Qualified, CaptureSql.CaptureFunction(i.Table)), ct).ConfigureAwait(false);
                }
            }
        }, ct);

    private static async Task<bool> LogExistsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CapturedTable t, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT to_regclass(@l) IS NOT NULL", conn, tx);
        cmd.Parameters.AddWithValue("l", t.Log);
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private CutoverException ColumnsChanged(WriteGuard.Installing i) =>
        new(ErrorCodes.CaptureConflict,
            $"capture on {Display} records table {i.Table.Name} with columns ({string.Join(", ", i.ColumnsBefore!)}) and the plan now reads ({string.Join(", ", i.Table.Columns)}); "
            + "apply what is recorded first (cutover sync), or remove the capture and start again");

    public async Task<CaptureStatus> StatusAsync(CancellationToken ct)
    {
        var (guarded, frozen, message, _) = await _guard.StateAsync(ct).ConfigureAwait(false);
        if (!guarded && !frozen)
        {
            var anything = await _db.RunAsync(async conn =>
            {
                await using var cmd = new NpgsqlCommand("SELECT to_regnamespace('_cutover') IS NOT NULL", conn);
                return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }, ct).ConfigureAwait(false);
            if (!anything)
            {
                return CaptureStatus.NotInstalled(Mode);
            }
        }
        return await _db.RunAsync(async conn =>
        {
            var (pending, oldest, logs) = await ChangelogReader.PendingAsync(conn, ct).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand(
                $"SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '_cutover' AND t.tgname = '{CaptureSql.CaptureTrigger}'",
                conn);
            var capturing = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0;
            return new CaptureStatus(Mode, guarded, capturing, frozen, message, pending, oldest, $"{logs} changelog table(s) in schema _cutover");
        }, ct).ConfigureAwait(false);
    }

    public Task SetFrozenAsync(bool frozen, string message, CancellationToken ct) => _guard.SetFrozenAsync(frozen, message, ct);

    public Task<ChangeBatch> ReadAsync(int maxChanges, CancellationToken ct) =>
        _db.RunAsync(conn => ChangelogReader.ReadAsync(conn, maxChanges, _guard.NotInstalled, ct), ct);

    public Task AcknowledgeAsync(ChangeBatch batch, CancellationToken ct) =>
        batch.Changes.Count == 0 && batch.Token is null ? Task.CompletedTask : _db.RunAsync(conn => ChangelogReader.AcknowledgeAsync(conn, batch, ct), ct);

    public Task RemoveAsync(CancellationToken ct) => _guard.RemoveAsync(ct);

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}

using Cutover.Capture;
using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// <c>capture: logical</c> on PostgreSQL: publication <c>cutover_PLAN</c> for the plan's tables and a pgoutput replication
/// slot of the same name, read with Npgsql's logical replication protocol (no triggers on the tables but the freeze, which is
/// the trigger capture's guard). A read streams whole transactions from the slot's confirmed position and releases the slot
/// when it ends; acknowledging advances the slot past the batch. Values come through as text and are read with the store's
/// own code (<see cref="TextRows"/>). The server needs <c>wal_level = logical</c> and a role that may replicate.
/// </summary>
internal sealed class PostgreSqlLogicalCapture : IChangeCapture
{
    private readonly CaptureConnections _db;
    private readonly WriteGuard _guard;
    private readonly LogicalSlot _slot;
    private long _seq;

    public PostgreSqlLogicalCapture(string uri, string display, string planName)
    {
        _db = new CaptureConnections(uri, display);
        _guard = new WriteGuard(_db);
        _slot = new LogicalSlot(_db, LogicalNames.For(planName));
    }

    public CaptureMode Mode => CaptureMode.Logical;

    public string Display => _db.Display;

    /// <summary>The publication's and the slot's name.</summary>
    public string SlotName => _slot.Name;

    /// <summary>What an acknowledgement confirms: every transaction that committed before this WAL position.</summary>
    private sealed record Token(ulong Lsn);

    public Task InstallGuardAsync(IReadOnlyList<CaptureTable> tables, CancellationToken ct) => _guard.InstallAsync(tables, null, ct);

    /// <summary>The guard, then the publication, then the slot (a slot decodes with the publication as it was, so it must exist first).</summary>
    public async Task StartAsync(IReadOnlyList<CaptureTable> tables, CancellationToken ct)
    {
        await _slot.CheckWalLevelAsync(ct).ConfigureAwait(false);
        var installed = await _guard.InstallAsync(tables, async (conn, tx, installing) =>
        {
            foreach (var i in installing)
            {
                await CheckReplicaIdentityAsync(conn, tx, i.Table, ct).ConfigureAwait(false);
            }
        }, ct).ConfigureAwait(false);
        await _slot.EnsurePublicationAsync(installed, ct).ConfigureAwait(false);
        await _slot.EnsureSlotAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The stream carries an update's or delete's old row only as the table's replica identity: it must hold the key, or
    /// deletes could not be applied (and PostgreSQL would refuse the application's updates and deletes on a published
    /// table without one).
    /// </summary>
    private async Task CheckReplicaIdentityAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CapturedTable t, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT c.relreplident::text,
              (SELECT array_agg(a.attname::text) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
               WHERE i.indrelid = c.oid AND ((c.relreplident = 'd' AND i.indisprimary) OR (c.relreplident = 'i' AND i.indisreplident)))
            FROM pg_class c WHERE c.oid = @t::regclass
            """, conn, tx);
        cmd.Parameters.AddWithValue("t", t.Qualified);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        var setting = r.GetString(0);
        var identity = r.IsDBNull(1) ? [] : r.GetFieldValue<string[]>(1);
        if (setting == "f" || (identity.Length > 0 && t.Key.Count > 0 && t.Key.All(identity.Contains)))
        {
            return;
        }
        throw new CutoverException(ErrorCodes.CaptureUnsupported,
            $"table {t.Name} in {Display} has no replica identity holding its key ({string.Join(", ", t.Key)}), so logical replication cannot tell which row an update "
            + $"or delete changed; ALTER TABLE {t.Qualified} REPLICA IDENTITY FULL (or USING INDEX on a unique index of the key), or use capture: triggers");
    }

    public async Task<CaptureStatus> StatusAsync(CancellationToken ct)
    {
        var (guarded, frozen, message, _) = await _guard.StateAsync(ct).ConfigureAwait(false);
        var info = await _slot.InfoAsync(ct).ConfigureAwait(false);
        if (!guarded && !frozen && !info.Exists)
        {
            return CaptureStatus.NotInstalled(Mode);
        }
        long pending = 0;
        DateTimeOffset? oldest = null;
        var detail = "no replication slot";
        if (info.Exists)
        {
            (long, DateTimeOffset?)? peek = null;
            if (!info.Active)
            {
                // A slot can be peeked only up to what is flushed: the fence puts every committed transaction there first.
                await _slot.FenceAsync(ct).ConfigureAwait(false);
                peek = await _slot.PeekAsync(_slot.Name, ct).ConfigureAwait(false);
            }
            (pending, oldest) = peek ?? (0, null);
            detail = $"slot {_slot.Name}: {Lag(info.Current, info.ConfirmedFlush)} bytes of WAL not yet confirmed, {Lag(info.Current, info.RestartLsn)} bytes retained"
                + (peek is null ? $"; in use by process {info.ActivePid}, pending not counted" : "");
        }
        return new CaptureStatus(Mode, guarded, info.Exists, frozen, message, pending, oldest, detail);
    }

    private static ulong Lag(ulong current, ulong at) => current > at ? current - at : 0;

    public Task SetFrozenAsync(bool frozen, string message, CancellationToken ct) => _guard.SetFrozenAsync(frozen, message, ct);

    public async Task<ChangeBatch> ReadAsync(int maxChanges, CancellationToken ct)
    {
        var tables = await _db.RunAsync(conn => CaptureCatalog.LoadAsync(conn, null, ct), ct).ConfigureAwait(false);
        var info = await _slot.InfoAsync(ct).ConfigureAwait(false);
        if (!info.Exists)
        {
            throw new CutoverException(ErrorCodes.CaptureNotInstalled,
                $"{Display} has no replication slot {_slot.Name}; start capture first (cutover migrate with capture: logical in the plan)");
        }
        if (info.ConfirmedFlush >= info.Current)
        {
            return Empty(info.ConfirmedFlush); // not a byte of WAL since the last confirmed read
        }
        info = await _slot.WaitReleasedAsync(null, ct).ConfigureAwait(false);
        var target = await _slot.FenceAsync(ct).ConfigureAwait(false);
        LogicalStream.Result result;
        var replication = await _db.OpenReplicationAsync(ct).ConfigureAwait(false);
        var pid = replication.ProcessID;
        try
        {
            result = await LogicalStream.ReadAsync(replication, _slot.Name, _slot.Name, tables, target, Math.Max(1, maxChanges), ct).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (PostgreSqlStore.IsConnectionLost(ex, null))
        {
            throw _db.Lost(ex);
        }
        finally
        {
            await replication.DisposeAsync().ConfigureAwait(false);
            // Closing the connection ends its walsender, which releases the slot a moment later: wait for it, so an
            // acknowledgement or the next read finds the slot free.
            try
            {
                await _slot.WaitReleasedAsync(pid, CancellationToken.None).ConfigureAwait(false);
            }
            catch (CutoverException)
            {
                // Another reader took the slot meanwhile; the next read or acknowledgement waits for it and says so.
            }
        }
        if (result.Transactions.Count == 0)
        {
            // Nothing committed in the WAL read: confirm it, so the slot does not keep it (and the next read skips it).
            if (result.CaughtUp && result.ReadUpTo > info.ConfirmedFlush)
            {
                await _slot.AdvanceAsync(result.ReadUpTo, ct).ConfigureAwait(false);
            }
            return Empty(Math.Max(result.ReadUpTo, info.ConfirmedFlush));
        }
        var changes = await _db.RunAsync(conn => ToChangesAsync(conn, result.Transactions, ct), ct).ConfigureAwait(false);
        return new ChangeBatch(changes, result.Transactions.Count, Lsn(result.ReadUpTo)) { Token = new Token(result.ReadUpTo) };
    }

    private static ChangeBatch Empty(ulong at) => new([], 0, Lsn(at));

    private static string Lsn(ulong lsn) => new NpgsqlLogSequenceNumber(lsn).ToString();

    /// <summary>Decodes each table's row images in one statement, then lays the changes out in stream order.</summary>
    private async Task<List<CapturedChange>> ToChangesAsync(NpgsqlConnection conn, IReadOnlyList<LogicalStream.RawTransaction> transactions, CancellationToken ct)
    {
        var all = transactions.SelectMany(tx => tx.Changes.Select(c => (Tx: tx, Change: c))).ToList();
        var rows = new object?[all.Count][];
        foreach (var group in Enumerable.Range(0, all.Count).GroupBy(i => all[i].Change.Table))
        {
            var indexes = group.ToList();
            var decoded = await TextRows.DecodeAsync(conn, group.Key, indexes.Select(i => all[i].Change).ToList(), ct).ConfigureAwait(false);
            for (var j = 0; j < indexes.Count; j++)
            {
                rows[indexes[j]] = decoded[j];
            }
        }
        return all.Select((x, i) => new CapturedChange(Interlocked.Increment(ref _seq), x.Tx.Xid, x.Change.Table.Name, x.Change.Kind, rows[i], x.Tx.CommitAt)).ToList();
    }

    public Task AcknowledgeAsync(ChangeBatch batch, CancellationToken ct)
    {
        if (batch.Token is Token token)
        {
            return _slot.AdvanceAsync(token.Lsn, ct);
        }
        return batch.Changes.Count == 0
            ? Task.CompletedTask
            : throw new ArgumentException("the batch was not read by this capture (it has no WAL position)", nameof(batch));
    }

    /// <summary>The slot and the publication, then the guard. A slot left behind would keep WAL on the server forever.</summary>
    public async Task RemoveAsync(CancellationToken ct)
    {
        await _slot.DropAsync(ct).ConfigureAwait(false);
        await _guard.RemoveAsync(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}

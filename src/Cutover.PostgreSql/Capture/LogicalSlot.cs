using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// The publication and the pgoutput replication slot of one plan, both named <see cref="Name"/>, managed with SQL: created
/// when absent, advanced, peeked for status, dropped.
/// </summary>
internal sealed class LogicalSlot(CaptureConnections db, string name)
{
    /// <summary>How often a read or an acknowledgement looks (about 200 ms apart after the first few) for the slot to be released.</summary>
    private const int ReleaseChecks = 60;

    private static readonly DateTimeOffset PostgresEpoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public string Name { get; } = name;

    /// <summary>The slot as the server reports it, with the server's current WAL position.</summary>
    public sealed record Info(bool Exists, ulong ConfirmedFlush, ulong RestartLsn, bool Active, int? ActivePid, ulong Current);

    public async Task CheckWalLevelAsync(CancellationToken ct)
    {
        var level = await db.RunAsync(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT current_setting('wal_level')", conn);
            return (string)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, ct).ConfigureAwait(false);
        if (level != "logical")
        {
            throw new CutoverException(ErrorCodes.CaptureUnsupported,
                $"{db.Display} has wal_level = {level}; capture: logical needs wal_level = logical (ALTER SYSTEM SET wal_level = logical, "
                + "then restart the server), or use capture: triggers");
        }
    }

    /// <summary>
    /// The publication for <paramref name="tables"/>: created when absent, missing tables added when present. A partitioned
    /// table's changes are published under its own name, not its partitions'.
    /// </summary>
    public Task EnsurePublicationAsync(IReadOnlyList<CapturedTable> tables, CancellationToken ct) => db.RunAsync(async conn =>
    {
        await using var cmd = new NpgsqlCommand("SELECT schemaname::text, tablename::text FROM pg_publication_tables WHERE pubname = @p", conn);
        cmd.Parameters.AddWithValue("p", Name);
        var published = new HashSet<(string, string)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                published.Add((r.GetString(0), r.GetString(1)));
            }
        }
        cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = @p)";
        var exists = (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        var missing = tables.Where(t => !published.Contains((t.Schema, t.Name))).Select(t => t.Qualified).ToList();
        if (exists && missing.Count == 0)
        {
            return;
        }
        cmd.Parameters.Clear();
        cmd.CommandText = exists
            ? $"ALTER PUBLICATION {PgSql.Quote(Name)} ADD TABLE {string.Join(", ", missing)}"
            : $"CREATE PUBLICATION {PgSql.Quote(Name)} FOR TABLE {string.Join(", ", missing)} WITH (publish_via_partition_root = true)";
        try
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Another process created it at the same moment: the next start adds what it lacks.
        }
    }, ct);

    /// <summary>
    /// The slot, created when absent (PostgreSQL waits for the transactions running at that moment to end before the slot
    /// is consistent; every change committed after that is kept for it). A slot of that name with another plugin or in
    /// another database is refused.
    /// </summary>
    public Task EnsureSlotAsync(CancellationToken ct) => db.RunAsync(async conn =>
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT plugin::text, database::text, current_database()::text FROM pg_replication_slots WHERE slot_name = @s", conn);
        cmd.Parameters.AddWithValue("s", Name);
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                if (r.IsDBNull(0) || r.GetString(0) != "pgoutput" || r.IsDBNull(1) || r.GetString(1) != r.GetString(2))
                {
                    throw new CutoverException(ErrorCodes.CaptureConflict,
                        $"{db.Display} already has a replication slot {Name} that is not a pgoutput slot of this database; drop it or give the plan another name");
                }
                return;
            }
        }
        cmd.CommandText = "SELECT pg_create_logical_replication_slot(@s, 'pgoutput')";
        try
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Created by another process at the same moment.
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new CutoverException(ErrorCodes.CaptureUnsupported,
                $"the role of {db.Display} may not create a replication slot: {ex.MessageText}; ALTER ROLE ... REPLICATION, or use capture: triggers", isTransient: false, ex);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ConfigurationLimitExceeded)
        {
            throw new CutoverException(ErrorCodes.CaptureUnsupported,
                $"{db.Display} has no free replication slot: {ex.MessageText}; raise max_replication_slots (and restart) or drop an unused slot", isTransient: false, ex);
        }
    }, ct);

    public Task<Info> InfoAsync(CancellationToken ct) => db.RunAsync(conn => InfoAsync(conn, ct), ct);

    private async Task<Info> InfoAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT s.confirmed_flush_lsn, s.restart_lsn, s.active, s.active_pid, pg_current_wal_insert_lsn()
            FROM (SELECT 1) one LEFT JOIN pg_replication_slots s ON s.slot_name = @s
            """, conn);
        cmd.Parameters.AddWithValue("s", Name);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        var current = (ulong)r.GetFieldValue<NpgsqlLogSequenceNumber>(4);
        if (r.IsDBNull(2))
        {
            return new Info(false, 0, 0, false, null, current);
        }
        return new Info(true,
            r.IsDBNull(0) ? 0 : (ulong)r.GetFieldValue<NpgsqlLogSequenceNumber>(0),
            r.IsDBNull(1) ? 0 : (ulong)r.GetFieldValue<NpgsqlLogSequenceNumber>(1),
            r.GetBoolean(2), r.IsDBNull(3) ? null : r.GetInt32(3), current);
    }

    /// <summary>
    /// A WAL position every transaction committed so far lies before, and that is already on disk, so the stream reaches
    /// it. With asynchronous commit a committed transaction's record may not be written yet (pg_current_wal_lsn can be
    /// before it, and the walsender only decodes what is flushed): a transaction of our own that writes one record (a
    /// logical decoding message, which pgoutput does not send unless asked) and commits with synchronous_commit = local
    /// flushes the WAL through its commit, and so through every earlier commit. (A transaction that only takes an xid
    /// writes no record of its own, and PostgreSQL does not flush its commit.)
    /// </summary>
    public Task<ulong> FenceAsync(CancellationToken ct) => db.RunAsync(async conn =>
    {
        await using (var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            await WriteGuard.ExecAsync(conn, tx, "SET LOCAL synchronous_commit = local; SELECT pg_logical_emit_message(true, 'cutover', 'fence')", ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        await using var cmd = new NpgsqlCommand("SELECT pg_current_wal_flush_lsn()", conn);
        return (ulong)(NpgsqlLogSequenceNumber)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }, ct);

    /// <summary>
    /// Waits until no walsender holds the slot. A walsender of a read that has ended may take a moment to exit; one of ours
    /// (<paramref name="ownPid"/>) that does not is ended. Another process's reader is waited for, then reported.
    /// </summary>
    public async Task<Info> WaitReleasedAsync(int? ownPid, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var info = await InfoAsync(ct).ConfigureAwait(false);
            if (!info.Active)
            {
                return info;
            }
            if (info.ActivePid == ownPid && attempt >= 20)
            {
                await db.RunAsync(async conn =>
                {
                    await using var cmd = new NpgsqlCommand("SELECT pg_terminate_backend(@p)", conn);
                    cmd.Parameters.AddWithValue("p", info.ActivePid!.Value);
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }, ct).ConfigureAwait(false);
            }
            if (attempt >= ReleaseChecks)
            {
                throw new CutoverException(ErrorCodes.CaptureConflict,
                    $"replication slot {Name} on {db.Display} is in use by process {info.ActivePid}; is another cutover sync running?", isTransient: true);
            }
            await Task.Delay(Math.Min(10 * (attempt + 1), 200), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Confirms everything before <paramref name="lsn"/> (never moves the slot back). Safe to repeat.</summary>
    public async Task AdvanceAsync(ulong lsn, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var info = await WaitReleasedAsync(null, ct).ConfigureAwait(false);
            if (!info.Exists || info.ConfirmedFlush >= lsn)
            {
                return;
            }
            try
            {
                await db.RunAsync(async conn =>
                {
                    await using var cmd = new NpgsqlCommand("SELECT pg_replication_slot_advance(@s, @l)", conn);
                    cmd.Parameters.AddWithValue("s", Name);
                    cmd.Parameters.AddWithValue("l", NpgsqlDbType.PgLsn, new NpgsqlLogSequenceNumber(lsn));
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }, ct).ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 50)
            {
                // A read started between the check and the advance: wait for it to end.
            }
        }
    }

    /// <summary>
    /// Changes the slot holds (inserts, updates and deletes, without consuming them) and the commit time of the oldest
    /// transaction holding one; null when a reader has the slot, which cannot be peeked then.
    /// </summary>
    public Task<(long Changes, DateTimeOffset? Oldest)?> PeekAsync(string publication, CancellationToken ct) => db.RunAsync<(long, DateTimeOffset?)?>(async conn =>
    {
        // A pgoutput Begin message is 'B', the final LSN (8 bytes), then the commit time in microseconds since 2000-01-01.
        await using var cmd = new NpgsqlCommand(
            """
            SELECT count(*) FILTER (WHERE get_byte(data, 0) IN (73, 85, 68)),
                   min(('x' || encode(substr(data, 10, 8), 'hex'))::bit(64)::bigint) FILTER (WHERE get_byte(data, 0) = 66)
            FROM pg_logical_slot_peek_binary_changes(@s, NULL, NULL, 'proto_version', '1', 'publication_names', @p)
            """, conn);
        cmd.Parameters.AddWithValue("s", Name);
        cmd.Parameters.AddWithValue("p", publication);
        try
        {
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await r.ReadAsync(ct).ConfigureAwait(false);
            var count = r.GetInt64(0);
            DateTimeOffset? oldest = count == 0 || r.IsDBNull(1) ? null : PostgresEpoch.AddTicks(r.GetInt64(1) * 10);
            return (count, oldest);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            return null;
        }
    }, ct);

    /// <summary>Drops the slot (waiting for a reader to let go) and the publication. Nothing there: nothing happens.</summary>
    public async Task DropAsync(CancellationToken ct)
    {
        var info = await InfoAsync(ct).ConfigureAwait(false);
        if (info.Exists)
        {
            await WaitReleasedAsync(null, ct).ConfigureAwait(false);
            await db.RunAsync(async conn =>
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = @s", conn);
                cmd.Parameters.AddWithValue("s", Name);
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        await db.RunAsync(async conn =>
        {
            await using var cmd = new NpgsqlCommand($"DROP PUBLICATION IF EXISTS {PgSql.Quote(Name)}", conn);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }
}

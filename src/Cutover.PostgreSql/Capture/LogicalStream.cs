using System.Text;
using Cutover.Capture;
using Cutover.Errors;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// One read of a pgoutput slot (protocol 1, values as text): whole transactions from the slot's confirmed position, until
/// about <c>maxChanges</c> changes or until the stream has caught up with <c>target</c>, a flushed WAL position every
/// transaction committed before the read lies before (<see cref="LogicalSlot.FenceAsync"/>). Caught up means: a transaction
/// committed at or past it arrived, or the server reported (in a keepalive) that it has decoded past it while no
/// transaction was open. So an idle slot returns at once instead of waiting for changes.
/// Row images stay text here (<see cref="RawChange"/>); <see cref="TextRows"/> turns them into values.
/// </summary>
internal static class LogicalStream
{
    /// <summary>A change as the stream sent it: each captured column's text (null for NULL), and which columns were unchanged TOAST values.</summary>
    public sealed record RawChange(CapturedTable Table, ChangeKind Kind, string?[] Text, bool[]? Unchanged);

    public sealed record RawTransaction(long Xid, DateTimeOffset CommitAt, ulong EndLsn, IReadOnlyList<RawChange> Changes);

    /// <summary>The transactions read, and the position everything before which has been read (the last commit's end, or the caught-up position).</summary>
    public sealed record Result(IReadOnlyList<RawTransaction> Transactions, ulong ReadUpTo, bool CaughtUp);

    private sealed class Flags
    {
        public volatile bool Waiting;
        public volatile bool InTransaction;
        public volatile bool Stopping;

        /// <summary>Set by the watcher when it ends the read: everything committed before it has been processed.</summary>
        public long CaughtUpAt;
    }

    public static async Task<Result> ReadAsync(LogicalReplicationConnection conn, string slot, string publication, IReadOnlyList<CapturedTable> tables,
        ulong target, int maxChanges, CancellationToken ct)
    {
        var byName = tables.ToDictionary(t => (t.Schema, t.Name));
        var relations = new Dictionary<uint, (CapturedTable Table, int[] Map)?>();
        var transactions = new List<RawTransaction>();
        var changes = 0;
        ulong readUpTo = 0;
        var caughtUp = false;
        var flags = new Flags { Waiting = true };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watcher = WatchAsync(conn, target, flags, stop);
        (long Xid, DateTimeOffset At, List<RawChange> Changes)? open = null;
        try
        {
            var options = new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1, binary: false);
            await foreach (var message in conn.StartReplication(new PgOutputReplicationSlot(slot), options, stop.Token).ConfigureAwait(false))
            {
                flags.Waiting = false;
                if (flags.Stopping)
                {
                    continue;
                }
                switch (message)
                {
                    case BeginMessage b:
                        open = (b.TransactionXid, new DateTimeOffset(DateTime.SpecifyKind(b.TransactionCommitTimestamp, DateTimeKind.Utc)), []);
                        flags.InTransaction = true;
                        break;
                    case RelationMessage r:
                        relations[r.RelationId] = Map(r, byName);
                        break;
                    case InsertMessage m when relations.GetValueOrDefault(m.Relation.RelationId) is { } rel:
                        open?.Changes.Add(await ReadAsync(rel, ChangeKind.Insert, m.NewRow, stop.Token).ConfigureAwait(false));
                        break;
                    case IndexUpdateMessage m when relations.GetValueOrDefault(m.Relation.RelationId) is { } rel:
                        // The key changed (only then does the stream carry the old key): a delete of the old, an insert of the new.
                        open?.Changes.Add(await ReadAsync(rel, ChangeKind.Delete, m.Key, stop.Token).ConfigureAwait(false));
                        open?.Changes.Add(await ReadAsync(rel, ChangeKind.Insert, m.NewRow, stop.Token).ConfigureAwait(false));
                        break;
                    case FullUpdateMessage m when relations.GetValueOrDefault(m.Relation.RelationId) is { } rel:
                        var before = await ReadAsync(rel, ChangeKind.Delete, m.OldRow, stop.Token).ConfigureAwait(false);
                        var after = await ReadAsync(rel, ChangeKind.Insert, m.NewRow, stop.Token).ConfigureAwait(false);
                        var keyIndex = rel.Table.KeyIndex;
                        if (keyIndex.All(k => before.Text[k] == after.Text[k]))
                        {
                            open?.Changes.Add(after with { Kind = ChangeKind.Update });
                        }
                        else
                        {
                            open?.Changes.Add(before);
                            open?.Changes.Add(after);
                        }
                        break;
                    case UpdateMessage m when relations.GetValueOrDefault(m.Relation.RelationId) is { } rel:
                        open?.Changes.Add(await ReadAsync(rel, ChangeKind.Update, m.NewRow, stop.Token).ConfigureAwait(false));
                        break;
                    case KeyDeleteMessage m when relations.GetValueOrDefault(m.Relation.RelationId) is { } rel:
                        open?.Changes.Add(await ReadAsync(rel, ChangeKind.Delete, m.Key, stop.Token).ConfigureAwait(false));
                        break;
                    case FullDeleteMessage m when relations.GetValueOrDefault(m.Relation.RelationId) is { } rel:
                        open?.Changes.Add(await ReadAsync(rel, ChangeKind.Delete, m.OldRow, stop.Token).ConfigureAwait(false));
                        break;
                    case InsertMessage or UpdateMessage or DeleteMessage:
                        // The publication holds only captured tables: a change of one capture does not record means the two
                        // disagree, and skipping it would lose it.
                        var relation = message switch { InsertMessage i => i.Relation, UpdateMessage u => u.Relation, _ => ((DeleteMessage)message).Relation };
                        throw new CutoverException(ErrorCodes.CaptureConflict,
                            $"the publication sends changes of {relation.Namespace}.{relation.RelationName}, which capture does not record in _cutover.tables; start capture again with the plan's tables");
                    case TruncateMessage t:
                        // Only captured tables (and their partitions) are published, so any TRUNCATE here emptied one.
                        throw new CutoverException(ErrorCodes.CaptureConflict,
                            $"{string.Join(", ", t.Relations.Select(r => r.RelationName))} was truncated while its writes were captured; a TRUNCATE is not a row change Cutover can apply, so copy the table again");
                    case CommitMessage c:
                        flags.InTransaction = false;
                        var end = (ulong)c.TransactionEndLsn;
                        if (open is { } tx && tx.Changes.Count > 0)
                        {
                            transactions.Add(new RawTransaction(tx.Xid, tx.At, end, tx.Changes));
                            changes += tx.Changes.Count;
                        }
                        open = null;
                        readUpTo = Math.Max(readUpTo, end);
                        if (changes >= maxChanges || end >= target)
                        {
                            caughtUp = end >= target;
                            flags.Stopping = true;
                            await stop.CancelAsync().ConfigureAwait(false);
                        }
                        break;
                }
                flags.Waiting = true;
            }
        }
        catch (Exception) when (flags.Stopping && !ct.IsCancellationRequested)
        {
            // Stopping is cancelling the stream: the server ends it with an error or the driver with a cancellation.
        }
        finally
        {
            flags.Stopping = true;
            await stop.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }
        var watched = Interlocked.Read(ref flags.CaughtUpAt);
        if (watched != 0)
        {
            // Stopped by the watcher; a transaction it cut short committed after that point and is read next time.
            caughtUp = true;
            readUpTo = Math.Max(readUpTo, unchecked((ulong)watched));
        }
        return new Result(transactions, readUpTo, caughtUp);
    }

    /// <summary>
    /// Ends the read once the server has decoded past <paramref name="target"/> while the reader waits between transactions.
    /// The server reports that in keepalives, which the driver reads inside its wait and does not yield, so only a
    /// watcher beside the loop can see it. A transaction begun after that point committed after the target: it is left
    /// for the next read.
    /// </summary>
    private static async Task WatchAsync(LogicalReplicationConnection conn, ulong target, Flags flags, CancellationTokenSource stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(5, stop.Token).ConfigureAwait(false);
                // The position first, then the reader's state: whatever raised the position (a keepalive, or the Begin of a
                // transaction not yet handed over) came after every transaction the reader has finished with.
                var lsn = (ulong)conn.LastReceivedLsn;
                if (flags.Waiting && !flags.InTransaction && lsn >= target)
                {
                    Interlocked.Exchange(ref flags.CaughtUpAt, unchecked((long)lsn));
                    flags.Stopping = true;
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The read is over.
        }
    }

    /// <summary>
    /// The captured table a relation is and where each relation column goes in the row image; null for a relation capture
    /// does not record (pgoutput also describes a partition whose changes it publishes under its partitioned table).
    /// </summary>
    private static (CapturedTable Table, int[] Map)? Map(RelationMessage r, Dictionary<(string, string), CapturedTable> byName)
    {
        if (!byName.TryGetValue((r.Namespace, r.RelationName), out var table))
        {
            return null;
        }
        var map = new int[r.Columns.Count];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = table.Columns.ToList().IndexOf(r.Columns[i].ColumnName);
        }
        var missing = table.Columns.Where(c => !r.Columns.Any(rc => rc.ColumnName == c)).ToList();
        if (missing.Count > 0)
        {
            throw new CutoverException(ErrorCodes.CaptureConflict,
                $"table {table.Name} no longer has the column(s) {string.Join(", ", missing)} that are captured; the plan and the source disagree");
        }
        return (table, map);
    }

    private static async Task<RawChange> ReadAsync((CapturedTable Table, int[] Map) rel, ChangeKind kind, ReplicationTuple tuple, CancellationToken ct)
    {
        var text = new string?[rel.Table.Columns.Count];
        bool[]? unchanged = null;
        var i = 0;
        await foreach (var value in tuple.ConfigureAwait(false))
        {
            var to = rel.Map[i++];
            if (to < 0 || value.IsDBNull)
            {
                continue;
            }
            if (value.IsUnchangedToastedValue)
            {
                unchanged ??= new bool[text.Length];
                unchanged[to] = true;
                continue;
            }
            await using var stream = value.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text[to] = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }
        return new RawChange(rel.Table, kind, text, unchanged);
    }
}

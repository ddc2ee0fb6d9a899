using System.Globalization;
using Cutover.Capture;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Capture;

/// <summary>
/// Reads the next batch from the changelogs in one read transaction: the smallest <c>_cutover_seq</c> first, merged across
/// every table's log, whole epochs only. An epoch is split only when it alone holds more than
/// <see cref="WholeEpochLimit"/> changes (recorded while no sync was reading: the copy), so a transaction of ordinary size is
/// never split whatever <c>maxChanges</c> asks for.
/// </summary>
internal static class SqliteChangeReader
{
    /// <summary>An epoch up to this size is returned whole even when it is larger than the batch asked for.</summary>
    public const int WholeEpochLimit = 10_000;

    public static ChangeBatch Read(SqliteConnection conn, long closedEpoch, long seqAtClose, int maxChanges)
    {
        maxChanges = Math.Max(1, maxChanges);
        using var tx = conn.BeginTransaction(deferred: true);
        var logs = SqliteCaptureInstaller.LoadTables(conn, tx).Where(t => t.HasLog).ToList();
        var readers = new List<SqliteDataReader>(logs.Count);
        var commands = new List<SqliteCommand>(logs.Count);
        try
        {
            var queue = new PriorityQueue<int, long>();
            for (var i = 0; i < logs.Count; i++)
            {
                var cmd = conn.CreateCommand();
                commands.Add(cmd);
                cmd.Transaction = tx;
                cmd.CommandText = $"SELECT {string.Join(", ", SqliteCaptureSchema.LogColumns.Concat(logs[i].Columns.Select(Internal.SqliteSql.Quote)))} "
                    + $"FROM {Internal.SqliteSql.Quote(SqliteCaptureSchema.Log(logs[i].N))} WHERE _cutover_tx <= @e ORDER BY _cutover_seq";
                cmd.Parameters.AddWithValue("@e", closedEpoch);
                var r = cmd.ExecuteReader();
                readers.Add(r);
                if (r.Read())
                {
                    queue.Enqueue(i, r.GetInt64(0));
                }
            }
            var picked = Pick(Merge(queue, readers, logs), maxChanges);
            return ToBatch(picked, seqAtClose);
        }
        finally
        {
            foreach (var r in readers)
            {
                r.Dispose();
            }
            foreach (var c in commands)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>Changes in seq order across all logs, read lazily so a large backlog is never loaded whole.</summary>
    private static IEnumerable<(CapturedChange Change, int N)> Merge(PriorityQueue<int, long> queue, List<SqliteDataReader> readers, List<RegisteredTable> logs)
    {
        while (queue.TryDequeue(out var i, out _))
        {
            var r = readers[i];
            var t = logs[i];
            var row = new object?[t.Columns.Count];
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = SqliteStore.ReadValue(r, SqliteCaptureSchema.ImageOffset + c);
            }
            var kind = r.GetString(2) switch
            {
                "I" => ChangeKind.Insert,
                "U" => ChangeKind.Update,
                _ => ChangeKind.Delete,
            };
            yield return (new CapturedChange(r.GetInt64(0), r.GetInt64(1), t.Name, kind, row, DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))), t.N);
            if (r.Read())
            {
                queue.Enqueue(i, r.GetInt64(0));
            }
        }
    }

    /// <summary>Whole epochs while they fit in <paramref name="maxChanges"/>; at least the first epoch, split only past <see cref="WholeEpochLimit"/>.</summary>
    private static List<(CapturedChange Change, int N)> Pick(IEnumerable<(CapturedChange Change, int N)> merged, int maxChanges)
    {
        var batch = new List<(CapturedChange Change, int N)>();
        var lastEpochStart = 0;
        foreach (var item in merged)
        {
            if (batch.Count > 0 && item.Change.Tx != batch[^1].Change.Tx)
            {
                if (batch.Count >= maxChanges)
                {
                    break;
                }
                lastEpochStart = batch.Count;
            }
            batch.Add(item);
            if (batch.Count <= maxChanges)
            {
                continue;
            }
            if (lastEpochStart > 0)
            {
                // A later epoch does not fit: the batch ends with the whole epochs before it.
                batch.RemoveRange(lastEpochStart, batch.Count - lastEpochStart);
                break;
            }
            if (batch.Count > WholeEpochLimit)
            {
                batch.RemoveRange(maxChanges, batch.Count - maxChanges);
                break;
            }
        }
        return batch;
    }

    private static ChangeBatch ToBatch(List<(CapturedChange Change, int N)> picked, long seqAtClose)
    {
        if (picked.Count == 0)
        {
            // Nothing up to the closed epoch is left, so every change up to its last seq has been applied.
            return new ChangeBatch([], 0, seqAtClose.ToString(CultureInfo.InvariantCulture));
        }
        var ranges = picked.GroupBy(p => p.N)
            .Select(g => new SqliteAckToken.Range(g.Key, g.Min(p => p.Change.Seq), g.Max(p => p.Change.Seq)))
            .ToList();
        var changes = picked.Select(p => p.Change).ToList();
        var transactions = changes.Select(c => c.Tx).Distinct().Count();
        return new ChangeBatch(changes, transactions, changes[^1].Seq.ToString(CultureInfo.InvariantCulture))
        {
            Token = new SqliteAckToken(ranges),
        };
    }
}

using System.Data;
using System.Globalization;
using Cutover.Capture;
using Cutover.PostgreSql.Internal;
using Npgsql;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// Reads and acknowledges the changelogs <c>_cutover.log_N</c> as one queue. A read takes the smallest sequence numbers
/// across all changelogs, then every other change of the transactions those belong to (so a batch never splits a
/// transaction), all in one REPEATABLE READ snapshot, in which a transaction's changes are visible all together or not at
/// all. Acknowledging deletes exactly the rows read, so a transaction that commits after a later-numbered one was read is
/// still there for the next read.
/// </summary>
internal static class ChangelogReader
{
    /// <summary>What acknowledging a batch deletes: the sequence numbers read from each changelog.</summary>
    public sealed record Token(IReadOnlyDictionary<int, long[]> Seqs);

    public static async Task<ChangeBatch> ReadAsync(NpgsqlConnection conn, int maxChanges, Func<Exception> notInstalled, CancellationToken ct)
    {
        var limit = Math.Max(1, maxChanges);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        await WriteGuard.ExecAsync(conn, tx, "SET TRANSACTION READ ONLY", ct).ConfigureAwait(false);
        var logs = await LogsAsync(conn, tx, notInstalled, ct).ConfigureAwait(false);
        if (logs.Count == 0)
        {
            return new ChangeBatch([], 0, "0");
        }
        await using var cmd = new NpgsqlCommand(
            "SELECT _cutover_seq, _cutover_tx FROM (" + string.Join(" UNION ALL ", logs.Select(t => $"(SELECT _cutover_seq, _cutover_tx FROM {t.Log} ORDER BY _cutover_seq LIMIT @m)"))
            + ") smallest ORDER BY 1 LIMIT @m",
            conn, tx);
        cmd.Parameters.AddWithValue("m", limit);
        var txs = new HashSet<long>();
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                txs.Add(r.GetInt64(1));
            }
        }
        if (txs.Count == 0)
        {
            return new ChangeBatch([], 0, await LastSeqAsync(conn, tx, ct).ConfigureAwait(false));
        }
        var changes = new List<CapturedChange>();
        var seqs = new Dictionary<int, long[]>();
        foreach (var t in logs)
        {
            var rows = await ReadLogAsync(conn, tx, t, txs.ToArray(), ct).ConfigureAwait(false);
            if (rows.Count > 0)
            {
                changes.AddRange(rows);
                seqs[t.N] = rows.Select(c => c.Seq).ToArray();
            }
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        changes.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return new ChangeBatch(changes, txs.Count, changes[^1].Seq.ToString(CultureInfo.InvariantCulture)) { Token = new Token(seqs) };
    }

    /// <summary>
    /// The registered tables that have a changelog. Nothing installed: throws <paramref name="notInstalled"/>, or returns none
    /// when it is null.
    /// </summary>
    private static async Task<IReadOnlyList<CapturedTable>> LogsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Func<Exception>? notInstalled, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT to_regclass('_cutover.tables') IS NOT NULL", conn, tx);
        if (!(bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
        {
            return notInstalled is null ? [] : throw notInstalled();
        }
        var tables = await CaptureCatalog.LoadAsync(conn, tx, ct).ConfigureAwait(false);
        cmd.CommandText = "SELECT n FROM _cutover.tables WHERE to_regclass('_cutover.log_' || n) IS NOT NULL";
        var withLog = new HashSet<int>();
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                withLog.Add(r.GetInt32(0));
            }
        }
        return tables.Where(t => withLog.Contains(t.N)).ToList();
    }

    private static async Task<string> LastSeqAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM _cutover.seq", conn, tx);
        try
        {
            return Convert.ToString(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) ?? "0";
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return "0";
        }
    }

    /// <summary>
    /// The changes of <paramref name="txs"/> in one changelog, each row image read with the store's own readers for the
    /// column types (the changelog declares the source's types), so it holds the kinds a copy of the table reads.
    /// </summary>
    private static async Task<List<CapturedChange>> ReadLogAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CapturedTable t, long[] txs, CancellationToken ct)
    {
        var types = await PgRows.ColumnTypesAsync(conn, CaptureSql.Schema, "log_" + t.N, ct).ConfigureAwait(false);
        var columnTypes = t.Columns.Select(c => PgRows.TypeOf(types, c)).ToList();
        var readers = new Func<NpgsqlDataReader, int, object?>[4 + t.Columns.Count];
        readers[0] = static (r, i) => r.GetInt64(i);
        readers[1] = static (r, i) => r.GetInt64(i);
        readers[2] = static (r, i) => r.GetString(i);
        readers[3] = static (r, i) => new DateTimeOffset(r.GetFieldValue<DateTime>(i), TimeSpan.Zero);
        PgValues.Readers(columnTypes).CopyTo(readers, 4);
        var select = string.Join(", ", t.Columns.Select((c, i) => PgValues.SelectExpr(c, columnTypes[i])));
        await using var cmd = new NpgsqlCommand(
            $"SELECT _cutover_seq, _cutover_tx, _cutover_op, _cutover_at, {select} FROM {t.Log} WHERE _cutover_tx = ANY(@txs) ORDER BY _cutover_seq", conn, tx);
        cmd.Parameters.AddWithValue("txs", txs);
        var rows = await PgRows.ReadAllAsync(cmd, readers, ct).ConfigureAwait(false);
        return rows.Select(r => new CapturedChange((long)r[0]!, (long)r[1]!, t.Name, KindOf((string)r[2]!), r[4..], (DateTimeOffset)r[3]!)).ToList();
    }

    private static ChangeKind KindOf(string op) => op switch
    {
        "I" => ChangeKind.Insert,
        "U" => ChangeKind.Update,
        "D" => ChangeKind.Delete,
        _ => throw new InvalidDataException($"changelog operation '{op}' is not I, U or D"),
    };

    /// <summary>Deletes exactly the rows <paramref name="batch"/> read, in one transaction. Safe to repeat.</summary>
    public static async Task AcknowledgeAsync(NpgsqlConnection conn, ChangeBatch batch, CancellationToken ct)
    {
        if (batch.Token is not Token token)
        {
            if (batch.Changes.Count == 0)
            {
                return;
            }
            throw new ArgumentException("the batch was not read by this capture (it has no changelog token)", nameof(batch));
        }
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var (n, seqs) in token.Seqs)
        {
            await using var cmd = new NpgsqlCommand($"DELETE FROM {CaptureSql.Schema}.log_{n} WHERE _cutover_seq = ANY(@s)", conn, tx);
            cmd.Parameters.AddWithValue("s", seqs);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Changes waiting and when the oldest was recorded.</summary>
    public static async Task<(long Pending, DateTimeOffset? Oldest, int Logs)> PendingAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var logs = await LogsAsync(conn, null, null, ct).ConfigureAwait(false);
        if (logs.Count == 0)
        {
            return (0, null, 0);
        }
        await using var cmd = new NpgsqlCommand(
            "SELECT coalesce(sum(c), 0)::bigint, min(a) FROM (" + string.Join(" UNION ALL ", logs.Select(t => $"SELECT count(*) AS c, min(_cutover_at) AS a FROM {t.Log}")) + ") x",
            conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        return (r.GetInt64(0), r.IsDBNull(1) ? null : new DateTimeOffset(r.GetFieldValue<DateTime>(1), TimeSpan.Zero), logs.Count);
    }
}

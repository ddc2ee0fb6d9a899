using System.Diagnostics;
using Cutover.Capture;
using Cutover.Errors;
using Cutover.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Capture;

/// <summary>
/// <c>capture: triggers</c> on a SQLite file (docs/capture.md): triggers record every change in <c>_cutover_log_n</c>
/// tables and refuse writes while frozen. It has its own read-write connection (the store a copy reads is read-only) and
/// shares the file with the application: every call is a short transaction, and one held up by the application's writes
/// waits a few seconds and is tried again before it fails as transient.
/// </summary>
internal sealed class SqliteTriggerCapture : IChangeCapture
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    private readonly SqliteConnection _conn;
    private readonly string _path;
    private readonly string _plan;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Opens <paramref name="path"/> (which must exist) for capture on behalf of plan <paramref name="plan"/>.</summary>
    public SqliteTriggerCapture(string path, string plan, TimeProvider? time = null)
    {
        _path = path;
        _plan = plan;
        _time = time ?? TimeProvider.System;
        _conn = SqliteConnections.Open(path, SqliteOpenMode.ReadWrite, "source", BusyTimeout);
        JournalMode = SqliteJournal.Get(_conn).ToLowerInvariant();
    }

    public CaptureMode Mode => CaptureMode.Triggers;

    public string Display => "sqlite:" + _path;

    /// <summary>
    /// The file's journal mode. Capture is correct in any mode; in WAL the application keeps writing while sync reads,
    /// in the rollback modes its commits wait for each (short) read.
    /// </summary>
    public string JournalMode { get; }

    /// <inheritdoc />
    public Task InstallGuardAsync(IReadOnlyList<CaptureTable> tables, CancellationToken ct) =>
        WriteAsync("install the write freeze", tx => SqliteCaptureInstaller.Install(_conn, tx, _plan, tables, capture: false), ct);

    /// <inheritdoc />
    public Task StartAsync(IReadOnlyList<CaptureTable> tables, CancellationToken ct) =>
        WriteAsync("start capture", tx => SqliteCaptureInstaller.Install(_conn, tx, _plan, tables, capture: true), ct);

    /// <inheritdoc />
    public Task<CaptureStatus> StatusAsync(CancellationToken ct) => RunAsync("read capture status", () =>
    {
        using var tx = _conn.BeginTransaction(deferred: true);
        var detail = JournalMode == "wal" ? null : $"journal_mode={JournalMode}: the application's commits wait while sync reads (WAL avoids that)";
        if (!SqliteCaptureInstaller.ControlExists(_conn, tx))
        {
            return CaptureStatus.NotInstalled(Mode) with { Detail = detail };
        }
        var (frozen, message) = SqliteCaptureInstaller.ReadFreeze(_conn, tx);
        var tables = SqliteCaptureInstaller.LoadTables(_conn, tx);
        var triggers = SqliteCaptureInstaller.Names(_conn, tx, "trigger");
        var guarded = tables.All(t => SqliteCaptureSchema.FreezeTriggers(t.N).All(triggers.Contains));
        var capturing = tables.Any(t => t.HasLog && SqliteCaptureSchema.CaptureTriggers(t.N).All(triggers.Contains));
        long pending = 0;
        long? oldest = null;
        foreach (var t in tables.Where(t => t.HasLog))
        {
            using var cmd = SqliteCaptureInstaller.Command(_conn, tx, $"SELECT COUNT(*), MIN(_cutover_at) FROM {SqliteSql.Quote(SqliteCaptureSchema.Log(t.N))}");
            using var r = cmd.ExecuteReader();
            r.Read();
            pending += r.GetInt64(0);
            if (!r.IsDBNull(1))
            {
                oldest = Math.Min(oldest ?? long.MaxValue, r.GetInt64(1));
            }
        }
        return new CaptureStatus(Mode, guarded, capturing, frozen, frozen ? message : null, pending,
            oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null, detail);
    }, ct);

    /// <summary>
    /// Commits the flag (and freeze triggers that raise <paramref name="message"/>) in one write transaction. SQLite has one
    /// writer at a time, so once that commits every write accepted before it has committed, and every later one is refused.
    /// </summary>
    public Task SetFrozenAsync(bool frozen, string message, CancellationToken ct)
    {
        var called = Stopwatch.GetTimestamp();
        return WriteAsync(frozen ? "freeze writes" : "unfreeze writes", tx =>
        {
            // BEGIN IMMEDIATE has returned: from here the application's writes wait for this transaction, then are refused.
            LastFreezeWait = Stopwatch.GetElapsedTime(called);
            SetFrozen(tx, frozen, message);
        }, ct);
    }

    /// <inheritdoc />
    public TimeSpan LastFreezeWait { get; private set; }

    private void SetFrozen(SqliteTransaction tx, bool frozen, string message)
    {
        RequireInstalled(tx);
        if (frozen)
        {
            SqliteCaptureInstaller.RewriteFreezeTriggers(_conn, tx, _plan, message);
        }
        using var cmd = SqliteCaptureInstaller.Command(_conn, tx, $"UPDATE {SqliteSql.Quote(SqliteCaptureSchema.Control)} SET frozen = @f, message = @m WHERE id = 1");
        cmd.Parameters.AddWithValue("@f", frozen ? 1 : 0);
        cmd.Parameters.AddWithValue("@m", frozen ? SqliteCaptureSchema.FreezeMessage("the captured tables", _plan, message) : DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Closes the current epoch in a short write transaction (it cannot fall inside anyone else's), then reads whole closed
    /// epochs, and so whole transactions, in one read transaction.
    /// </summary>
    /// <summary>The change counter when the last read found nothing pending (null after a read that found changes).</summary>
    private long? _idleSeq;

    public async Task<ChangeBatch> ReadAsync(int maxChanges, CancellationToken ct)
    {
        // A following sync polls every 20 ms: while nothing new was recorded since the last empty read, answer from a
        // plain read of the counter instead of a write transaction on the application's database.
        if (_idleSeq is { } idle && await RunAsync("read the capture counter", () =>
            {
                using var cmd = _conn.CreateCommand();
                cmd.CommandText = $"SELECT seq FROM {SqliteSql.Quote(SqliteCaptureSchema.Control)} WHERE id = 1";
                return cmd.ExecuteScalar() is long current && current == idle;
            }, ct).ConfigureAwait(false))
        {
            return new ChangeBatch([], 0, idle.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var (epoch, seq) = await RunAsync("close the capture epoch", () =>
        {
            using var tx = _conn.BeginTransaction();
            RequireInstalled(tx);
            using var cmd = SqliteCaptureInstaller.Command(_conn, tx,
                $"UPDATE {SqliteSql.Quote(SqliteCaptureSchema.Control)} SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch - 1, seq");
            using var r = cmd.ExecuteReader();
            r.Read();
            var closed = (r.GetInt64(0), r.GetInt64(1));
            r.Close();
            tx.Commit();
            return closed;
        }, ct).ConfigureAwait(false);
        var batch = await RunAsync("read captured changes", () => SqliteChangeReader.Read(_conn, epoch, seq, maxChanges), ct).ConfigureAwait(false);
        _idleSeq = batch.Changes.Count == 0 ? seq : null;
        return batch;
    }

    /// <summary>Deletes exactly the changelog rows <paramref name="batch"/> read; changes recorded since stay.</summary>
    public Task AcknowledgeAsync(ChangeBatch batch, CancellationToken ct)
    {
        if (batch.Changes.Count == 0)
        {
            return Task.CompletedTask;
        }
        var token = batch.Token as SqliteAckToken
            ?? throw new ArgumentException("the batch was not read by a SQLite trigger capture", nameof(batch));
        return WriteAsync("acknowledge applied changes", tx =>
        {
            var tables = SqliteCaptureInstaller.Names(_conn, tx, "table");
            foreach (var range in token.Ranges.Where(r => tables.Contains(SqliteCaptureSchema.Log(r.N))))
            {
                using var cmd = SqliteCaptureInstaller.Command(_conn, tx,
                    $"DELETE FROM {SqliteSql.Quote(SqliteCaptureSchema.Log(range.N))} WHERE _cutover_seq BETWEEN @first AND @last");
                cmd.Parameters.AddWithValue("@first", range.FirstSeq);
                cmd.Parameters.AddWithValue("@last", range.LastSeq);
                cmd.ExecuteNonQuery();
            }
        }, ct);
    }

    /// <summary>Drops every trigger, then every table capture installed, in one transaction.</summary>
    public Task RemoveAsync(CancellationToken ct) => WriteAsync("remove capture", tx =>
    {
        foreach (var trigger in SqliteCaptureInstaller.Names(_conn, tx, "trigger").Where(SqliteCaptureSchema.IsOurs))
        {
            SqliteCaptureInstaller.Exec(_conn, tx, $"DROP TRIGGER IF EXISTS {SqliteSql.Quote(trigger)}");
        }
        foreach (var table in SqliteCaptureInstaller.Names(_conn, tx, "table").Where(SqliteCaptureSchema.IsOurs))
        {
            SqliteCaptureInstaller.Exec(_conn, tx, $"DROP TABLE IF EXISTS {SqliteSql.Quote(table)}");
        }
    }, ct);

    public ValueTask DisposeAsync()
    {
        _conn.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }

    private void RequireInstalled(SqliteTransaction tx)
    {
        if (!SqliteCaptureInstaller.ControlExists(_conn, tx))
        {
            throw new CutoverException(ErrorCodes.CaptureNotInstalled, $"{Display}: capture is not installed (cutover migrate installs it with capture: triggers)");
        }
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction (BEGIN IMMEDIATE: it holds the write lock from the start).</summary>
    private Task WriteAsync(string what, Action<SqliteTransaction> work, CancellationToken ct) => RunAsync(what, () =>
    {
        using var tx = _conn.BeginTransaction();
        work(tx);
        tx.Commit();
        return true;
    }, ct);

    private async Task<T> RunAsync<T>(string what, Func<T> work, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await SqliteBusy.RetryAsync(work, $"{Display}: {what}", ErrorCodes.SourceUnreachable, _time, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}

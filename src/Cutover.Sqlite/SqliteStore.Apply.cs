using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Sqlite.Capture;
using Cutover.Sqlite.Internal;

namespace Cutover.Sqlite;

/// <summary>Applying captured changes (sync, and after a cut-over the flow back to the old source).</summary>
internal sealed partial class SqliteStore
{
    /// <summary>
    /// One write transaction: upserts of each entry in order, then deletes of each entry in reverse order. When capture is
    /// installed here, <c>applying = 1</c> is set first and reset just before the commit, so the freeze and capture triggers
    /// let these writes through unrecorded; no other connection ever sees the 1 (it is never committed), and SQLite's single
    /// writer means none of their writes falls in between (docs/capture.md).
    /// </summary>
    public Task ApplyAsync(IReadOnlyList<TableChanges> changes, CancellationToken ct) =>
        SqliteBusy.RetryAsync(() =>
        {
            // Not WriteConn: that switches the file to WAL for a bulk load, and this may be a live application's database.
            EnsureWritable();
            var conn = Conn;
            using var tx = conn.BeginTransaction();
            var guarded = SqliteCaptureInstaller.ControlExists(conn, tx);
            if (guarded)
            {
                SqliteCaptureInstaller.Exec(conn, tx, $"UPDATE {SqliteSql.Quote(SqliteCaptureSchema.Control)} SET applying = 1 WHERE id = 1");
            }
            foreach (var c in changes)
            {
                SqliteBatchWriter.Upsert(conn, c.Table, c.Upserts);
            }
            for (var i = changes.Count - 1; i >= 0; i--)
            {
                DeleteKeys(conn, tx, changes[i].Table, changes[i].Deletes);
            }
            if (guarded)
            {
                SqliteCaptureInstaller.Exec(conn, tx, $"UPDATE {SqliteSql.Quote(SqliteCaptureSchema.Control)} SET applying = 0 WHERE id = 1");
            }
            tx.Commit();
            return true;
        }, $"{Display}: apply captured changes", _role == "source" ? ErrorCodes.SourceUnreachable : ErrorCodes.TargetUnreachable, TimeProvider.System, ct);
}

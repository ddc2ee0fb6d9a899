using Cutover.Connectors;
using Cutover.Handover;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Sqlite.Tests.Support;
using Cutover.State;
using Cutover.Sync;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite.Tests;

/// <summary>The write pause a cut-over reports, in process on real SQLite files.</summary>
public sealed class HandoverPauseTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CutOver_FreezeWaitsForTheApplicationsWriteLock_TheWaitIsNotCountedAsPause()
    {
        var source = _dir.File("app.db");
        SqliteFile.Exec(source, "PRAGMA journal_mode = WAL; CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)");
        SqliteFile.Exec(source, "INSERT INTO items VALUES (1, 'a'), (2, 'b')");
        var file = _dir.File("cutover.yaml");
        File.WriteAllText(file, "name: live\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nbackup: none\ncapture: triggers\n"
            + "cutover: { verify: counts }\nentities:\n  - table: items\n");
        var plan = PlanLoader.Load(file);
        var registry = new StoreRegistry([new SqliteStoreProvider()]);
        await using (var ctx = await MigrationSession.OpenAsync(plan, registry, (path, create) => SqliteStateStore.Open(path, create),
            SessionMode.Write, null, null, null, CancellationToken.None))
        {
            Assert.Null((await Migrator.RunAsync(ctx, CancellationToken.None)).ErrorCode);
        }

        // Right before the freeze (maintenance goes on), the application opens a write transaction on the source and holds
        // it for a second: the freeze waits for it, and the application's write is accepted meanwhile.
        var hold = TimeSpan.FromSeconds(1);
        SqliteConnection? app = null;
        Thread? appCommit = null;
        var result = await HandOverAsync(plan, registry, (key, value) =>
        {
            if (key == ControlKeys.Maintenance && value == "on" && app is null)
            {
                app = SqliteFile.Open(source);
                var tx = app.BeginTransaction();
                using var cmd = app.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO items VALUES (3, 'written while the freeze waited')";
                cmd.ExecuteNonQuery();
                // A thread of its own: the freeze blocks a pool thread while it waits, and a pool continuation could start late.
                appCommit = new Thread(() =>
                {
                    Thread.Sleep(hold);
                    tx.Commit();
                    tx.Dispose();
                });
                appCommit.Start();
            }
        });
        appCommit!.Join();
        app!.Dispose();

        Assert.True(result.Ok, $"{result.FailedStep}: {result.ErrorCode} {result.ErrorMessage}");
        var freeze = result.Steps.Single(s => s.Step == HandoverSteps.Freeze).Ms;
        Assert.True(freeze >= hold.TotalMilliseconds * 0.9, $"the freeze step took {freeze} ms; it should have waited for the application's transaction");
        Assert.True(result.PauseMs < hold.TotalMilliseconds / 2, $"write pause {result.PauseMs} ms includes the {freeze} ms the freeze waited while writes were accepted");
        Assert.True(result.PauseMs > 0);
        // The write accepted while the freeze waited was drained to the target before the switch.
        Assert.Equal(1, result.ChangesDrained);
        Assert.Equal(3L, SqliteFile.Scalar(_dir.File("app_v2.db"), "SELECT COUNT(*) FROM items"));
    }

    private static async Task<HandoverResult> HandOverAsync(MigrationPlan plan, StoreRegistry registry, Action<string, string?> onSet)
    {
        await using var ctx = await MigrationSession.OpenAsync(plan, registry,
            (path, create) => SqliteStateStore.Open(path, create) is { } state ? new HookedState(state, onSet) : null,
            SessionMode.Write, null, null, null, CancellationToken.None);
        return await HandoverRunner.RunAsync(ctx, SyncDirection.Forward, CancellationToken.None);
    }

    /// <summary>A state store that calls <c>onSet</c> before each control value it writes.</summary>
    private sealed class HookedState(IStateStore inner, Action<string, string?> onSet) : IStateStore
    {
        public string Display => inner.Display;

        public Task SetValueAsync(string key, string? value, CancellationToken ct)
        {
            onSet(key, value);
            return inner.SetValueAsync(key, value, ct);
        }

        public Task<string?> GetValueAsync(string key, CancellationToken ct) => inner.GetValueAsync(key, ct);
        public Task<RunRecord?> LatestRunAsync(CancellationToken ct) => inner.LatestRunAsync(ct);
        public Task<RunRecord> StartRunAsync(string planName, string planHash, CancellationToken ct) => inner.StartRunAsync(planName, planHash, ct);
        public Task UpdateRunAsync(RunRecord run, CancellationToken ct) => inner.UpdateRunAsync(run, ct);
        public Task<IReadOnlyList<EntityProgress>> ProgressAsync(string runId, CancellationToken ct) => inner.ProgressAsync(runId, ct);
        public Task SaveProgressAsync(EntityProgress progress, CancellationToken ct) => inner.SaveProgressAsync(progress, ct);
        public Task RecordFailuresAsync(IReadOnlyList<FailureRecord> failures, CancellationToken ct) => inner.RecordFailuresAsync(failures, ct);
        public Task<IReadOnlyList<FailureRecord>> FailuresAsync(string? entity, bool unresolvedOnly, CancellationToken ct) => inner.FailuresAsync(entity, unresolvedOnly, ct);
        public Task ResolveFailureAsync(long id, CancellationToken ct) => inner.ResolveFailureAsync(id, ct);
        public Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct) => inner.LookupIdsAsync(entity, oldKeys, ct);
        public Task AddIdsAsync(string entity, IReadOnlyList<KeyValuePair<object, string>> pairs, CancellationToken ct) => inner.AddIdsAsync(entity, pairs, ct);
        public Task<long> CountIdsAsync(string entity, CancellationToken ct) => inner.CountIdsAsync(entity, ct);
        public IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, CancellationToken ct) => inner.ListIdsAsync(entity, oldKey, ct);
        public Task AddBackupAsync(BackupRecord backup, CancellationToken ct) => inner.AddBackupAsync(backup, ct);
        public Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct) => inner.BackupsAsync(ct);
        public Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct) => inner.MarkBackupVerifiedAsync(id, at, ct);
        public Task AuditAsync(string action, string detail, CancellationToken ct) => inner.AuditAsync(action, detail, ct);
        public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct) => inner.AuditLogAsync(limit, ct);

        public Task<long> RecordConflictAsync(ConflictRecord conflict, CancellationToken ct) => inner.RecordConflictAsync(conflict, ct);

        public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct) => inner.ConflictsAsync(unresolvedOnly, ct);

        public Task ResolveConflictAsync(long id, string resolution, CancellationToken ct) => inner.ResolveConflictAsync(id, resolution, ct);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

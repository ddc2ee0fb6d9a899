using Polly;

namespace Cutover.State;

/// <summary>
/// A state store whose calls are retried under the copy's policy (<see cref="Copy.CopyResilience"/>): a transient
/// failure (a PostgreSQL state database that restarts or drops the connection) is tried again with backoff, and
/// surfaces as STATE_UNREACHABLE when the tries run out. Every write is safe to repeat (upserts, or a record written
/// twice at worst: a run start or an audit line whose first try committed just before the connection dropped).
/// The id-map listing is not retried: it streams, and a retry would repeat what was already read.
/// </summary>
internal sealed class RetryingStateStore(IStateStore inner, ResiliencePipeline retry) : IStateStore
{
    public string Display => inner.Display;

    private async Task<T> Retry<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        await retry.ExecuteAsync(async t => await call(t).ConfigureAwait(false), ct).ConfigureAwait(false);

    private async Task Retry(Func<CancellationToken, Task> call, CancellationToken ct) =>
        await retry.ExecuteAsync(async t => await call(t).ConfigureAwait(false), ct).ConfigureAwait(false);

    public Task<RunRecord?> LatestRunAsync(CancellationToken ct) => Retry(inner.LatestRunAsync, ct);

    public Task<RunRecord> StartRunAsync(string planName, string planHash, CancellationToken ct) => Retry(t => inner.StartRunAsync(planName, planHash, t), ct);

    public Task UpdateRunAsync(RunRecord run, CancellationToken ct) => Retry(t => inner.UpdateRunAsync(run, t), ct);

    public Task<IReadOnlyList<EntityProgress>> ProgressAsync(string runId, CancellationToken ct) => Retry(t => inner.ProgressAsync(runId, t), ct);

    public Task SaveProgressAsync(EntityProgress progress, CancellationToken ct) => Retry(t => inner.SaveProgressAsync(progress, t), ct);

    public Task RecordFailuresAsync(IReadOnlyList<FailureRecord> failures, CancellationToken ct) => Retry(t => inner.RecordFailuresAsync(failures, t), ct);

    public Task<IReadOnlyList<FailureRecord>> FailuresAsync(string? entity, bool unresolvedOnly, CancellationToken ct) =>
        Retry(t => inner.FailuresAsync(entity, unresolvedOnly, t), ct);

    public Task ResolveFailureAsync(long id, CancellationToken ct) => Retry(t => inner.ResolveFailureAsync(id, t), ct);

    public Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct) =>
        Retry(t => inner.LookupIdsAsync(entity, oldKeys, t), ct);

    public Task AddIdsAsync(string entity, IReadOnlyList<KeyValuePair<object, string>> pairs, CancellationToken ct) => Retry(t => inner.AddIdsAsync(entity, pairs, t), ct);

    public Task<long> CountIdsAsync(string entity, CancellationToken ct) => Retry(t => inner.CountIdsAsync(entity, t), ct);

    public IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, CancellationToken ct) => inner.ListIdsAsync(entity, oldKey, ct);

    public Task<long> RecordConflictAsync(ConflictRecord conflict, CancellationToken ct) => Retry(t => inner.RecordConflictAsync(conflict, t), ct);

    public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct) => Retry(t => inner.ConflictsAsync(unresolvedOnly, t), ct);

    public Task ResolveConflictAsync(long id, string resolution, CancellationToken ct) => Retry(t => inner.ResolveConflictAsync(id, resolution, t), ct);

    public Task<(long Count, IReadOnlyList<string> Samples)> DuplicateNewIdsAsync(string entity, int samples, CancellationToken ct) =>
        Retry(t => inner.DuplicateNewIdsAsync(entity, samples, t), ct);

    public Task<IReadOnlySet<string>> MappedNewIdsAsync(string entity, IReadOnlyCollection<string> newIds, CancellationToken ct) =>
        Retry(t => inner.MappedNewIdsAsync(entity, newIds, t), ct);

    public Task<string?> GetValueAsync(string key, CancellationToken ct) => Retry(t => inner.GetValueAsync(key, t), ct);

    public Task SetValueAsync(string key, string? value, CancellationToken ct) => Retry(t => inner.SetValueAsync(key, value, t), ct);

    public Task AddBackupAsync(BackupRecord backup, CancellationToken ct) => Retry(t => inner.AddBackupAsync(backup, t), ct);

    public Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct) => Retry(inner.BackupsAsync, ct);

    public Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct) => Retry(t => inner.MarkBackupVerifiedAsync(id, at, t), ct);

    public Task AuditAsync(string action, string detail, CancellationToken ct) => Retry(t => inner.AuditAsync(action, detail, t), ct);

    public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct) => Retry(t => inner.AuditLogAsync(limit, t), ct);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

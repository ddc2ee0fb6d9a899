namespace Cutover.State;

/// <summary>
/// Where Cutover keeps what it must not forget: runs, checkpoints, failed rows, the id map, backups,
/// the control state and the audit log. SQLite by default (a file beside the plan).
/// </summary>
public interface IStateStore : IAsyncDisposable
{
    /// <summary>Where the state lives, safe to print.</summary>
    string Display { get; }

    Task<RunRecord?> LatestRunAsync(CancellationToken ct);

    Task<RunRecord> StartRunAsync(string planName, string planHash, CancellationToken ct);

    Task UpdateRunAsync(RunRecord run, CancellationToken ct);

    Task<IReadOnlyList<EntityProgress>> ProgressAsync(string runId, CancellationToken ct);

    Task SaveProgressAsync(EntityProgress progress, CancellationToken ct);

    /// <summary>Records refused rows; a key already recorded for the entity is updated, never duplicated.</summary>
    Task RecordFailuresAsync(IReadOnlyList<FailureRecord> failures, CancellationToken ct);

    Task<IReadOnlyList<FailureRecord>> FailuresAsync(string? entity, bool unresolvedOnly, CancellationToken ct);

    Task ResolveFailureAsync(long id, CancellationToken ct);

    /// <summary>Finds new ids for old keys; keys without a mapping are absent from the result.</summary>
    Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct);

    /// <summary>Adds mappings; an old key already mapped keeps its first id (so a replayed batch maps the same way).</summary>
    Task AddIdsAsync(string entity, IReadOnlyList<KeyValuePair<object, string>> pairs, CancellationToken ct);

    Task<long> CountIdsAsync(string entity, CancellationToken ct);

    /// <summary>Lists mappings of <paramref name="entity"/>, or the one for <paramref name="oldKey"/>.</summary>
    IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, CancellationToken ct);

    Task<string?> GetValueAsync(string key, CancellationToken ct);

    Task SetValueAsync(string key, string? value, CancellationToken ct);

    /// <summary>Records a backup; a record with the same id is replaced (so a retried call records it once).</summary>
    Task AddBackupAsync(BackupRecord backup, CancellationToken ct);

    Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct);

    Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct);

    Task AuditAsync(string action, string detail, CancellationToken ct);

    Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct);
}

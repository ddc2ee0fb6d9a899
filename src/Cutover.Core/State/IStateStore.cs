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

    /// <summary>
    /// New ids of <paramref name="entity"/> that more than one old key maps to (the map is meant to be one-to-one): how many,
    /// and the first <paramref name="samples"/> of them in order. The default lists the whole map into memory; stores
    /// override it with a query.
    /// </summary>
    async Task<(long Count, IReadOnlyList<string> Samples)> DuplicateNewIdsAsync(string entity, int samples, CancellationToken ct)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var (_, id) in ListIdsAsync(entity, null, ct).ConfigureAwait(false))
        {
            seen[id] = seen.GetValueOrDefault(id) + 1;
        }
        var duplicates = seen.Where(kv => kv.Value > 1).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        return (duplicates.Count, duplicates.Take(samples).ToList());
    }

    /// <summary>
    /// Which of <paramref name="newIds"/> are new ids of <paramref name="entity"/>'s map (the reverse of
    /// <see cref="LookupIdsAsync"/>). The default lists the whole map for each call; stores override it with a lookup.
    /// </summary>
    async Task<IReadOnlySet<string>> MappedNewIdsAsync(string entity, IReadOnlyCollection<string> newIds, CancellationToken ct)
    {
        var wanted = newIds.ToHashSet(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var (_, id) in ListIdsAsync(entity, null, ct).ConfigureAwait(false))
        {
            if (wanted.Contains(id))
            {
                found.Add(id);
            }
        }
        return found;
    }

    Task<string?> GetValueAsync(string key, CancellationToken ct);

    Task SetValueAsync(string key, string? value, CancellationToken ct);

    /// <summary>Records a backup; a record with the same id is replaced (so a retried call records it once).</summary>
    Task AddBackupAsync(BackupRecord backup, CancellationToken ct);

    Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct);

    Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct);

    Task AuditAsync(string action, string detail, CancellationToken ct);

    /// <summary>Records a dual-write conflict (<see cref="ConflictRecord.Id"/> is ignored) and returns its id.</summary>
    Task<long> RecordConflictAsync(ConflictRecord conflict, CancellationToken ct);

    /// <summary>The plan's conflicts, oldest first; only those not resolved yet when <paramref name="unresolvedOnly"/>.</summary>
    Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct);

    /// <summary>Marks a conflict resolved with <paramref name="resolution"/> (old_wins, new_wins, manual) now.</summary>
    Task ResolveConflictAsync(long id, string resolution, CancellationToken ct);

    Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct);
}

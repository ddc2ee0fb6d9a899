using Cutover.State;

namespace Cutover.Core.Tests.Support;

/// <summary>An in-memory id map. Only <see cref="LookupIdsAsync"/> is real; the rest of the store is not needed here.</summary>
internal sealed class FakeIdStore : IStateStore
{
    private readonly Dictionary<string, Dictionary<object, string>> _ids = [];

    public List<(string Entity, object[] Keys)> Lookups { get; } = [];

    public string Display => "memory";

    public FakeIdStore Map(string entity, object oldKey, string newId)
    {
        if (!_ids.TryGetValue(entity, out var map))
        {
            _ids[entity] = map = [];
        }
        map[oldKey] = newId;
        return this;
    }

    public Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct)
    {
        Lookups.Add((entity, oldKeys.ToArray()));
        var found = new Dictionary<object, string>();
        if (_ids.TryGetValue(entity, out var map))
        {
            foreach (var k in oldKeys.Where(map.ContainsKey))
            {
                found[k] = map[k];
            }
        }
        return Task.FromResult(found);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<RunRecord?> LatestRunAsync(CancellationToken ct) => throw new NotSupportedException();

    public Task<RunRecord> StartRunAsync(string planName, string planHash, CancellationToken ct) => throw new NotSupportedException();

    public Task UpdateRunAsync(RunRecord run, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<EntityProgress>> ProgressAsync(string runId, CancellationToken ct) => throw new NotSupportedException();

    public Task SaveProgressAsync(EntityProgress progress, CancellationToken ct) => throw new NotSupportedException();

    public Task RecordFailuresAsync(IReadOnlyList<FailureRecord> failures, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<FailureRecord>> FailuresAsync(string? entity, bool unresolvedOnly, CancellationToken ct) => throw new NotSupportedException();

    public Task ResolveFailureAsync(long id, CancellationToken ct) => throw new NotSupportedException();

    public Task AddIdsAsync(string entity, IReadOnlyList<KeyValuePair<object, string>> pairs, CancellationToken ct) => throw new NotSupportedException();

    public Task<long> CountIdsAsync(string entity, CancellationToken ct) => throw new NotSupportedException();

    public IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, CancellationToken ct) => throw new NotSupportedException();

    public Task<string?> GetValueAsync(string key, CancellationToken ct) => throw new NotSupportedException();

    public Task SetValueAsync(string key, string? value, CancellationToken ct) => throw new NotSupportedException();

    public Task AddBackupAsync(BackupRecord backup, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct) => throw new NotSupportedException();

    public Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct) => throw new NotSupportedException();

    public Task AuditAsync(string action, string detail, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct) => throw new NotSupportedException();

    public Task<long> RecordConflictAsync(ConflictRecord conflict, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct) => throw new NotSupportedException();

    public Task ResolveConflictAsync(long id, string resolution, CancellationToken ct) => throw new NotSupportedException();
}

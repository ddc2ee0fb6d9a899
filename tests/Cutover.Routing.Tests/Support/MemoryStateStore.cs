using System.Collections.Concurrent;
using Cutover.State;

namespace Cutover.Routing.Tests.Support;

/// <summary>
/// Only the control values and the audit log of a state store, in memory: all the routing library uses. Everything else
/// throws, so a test that reaches it fails loudly.
/// </summary>
internal sealed class MemoryStateStore : IStateStore
{
    public ConcurrentDictionary<string, string?> Values { get; } = new();

    public ConcurrentQueue<(string Action, string Detail)> Audit { get; } = new();

    public int Gets { get; private set; }

    public Exception? FailGetsWith { get; set; }

    public string Display => "memory";

    public Task<string?> GetValueAsync(string key, CancellationToken ct)
    {
        Gets++;
        if (FailGetsWith is { } e)
        {
            return Task.FromException<string?>(e);
        }
        return Task.FromResult(Values.TryGetValue(key, out var v) ? v : null);
    }

    public Task SetValueAsync(string key, string? value, CancellationToken ct)
    {
        Values[key] = value;
        return Task.CompletedTask;
    }

    public List<ConflictRecord> Conflicts { get; } = [];

    public Task<long> RecordConflictAsync(ConflictRecord conflict, CancellationToken ct)
    {
        lock (Conflicts)
        {
            Conflicts.Add(conflict with { Id = Conflicts.Count + 1 });
            return Task.FromResult((long)Conflicts.Count);
        }
    }

    public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct)
    {
        lock (Conflicts)
        {
            return Task.FromResult<IReadOnlyList<ConflictRecord>>(Conflicts.Where(c => !unresolvedOnly || c.ResolvedAt is null).ToList());
        }
    }

    public Task ResolveConflictAsync(long id, string resolution, CancellationToken ct) => throw new NotSupportedException();

    public Task AuditAsync(string action, string detail, CancellationToken ct)
    {
        Audit.Enqueue((action, detail));
        return Task.CompletedTask;
    }

    public Task<RunRecord?> LatestRunAsync(CancellationToken ct) => throw new NotSupportedException();

    public Task<RunRecord> StartRunAsync(string planName, string planHash, CancellationToken ct) => throw new NotSupportedException();

    public Task UpdateRunAsync(RunRecord run, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<EntityProgress>> ProgressAsync(string runId, CancellationToken ct) => throw new NotSupportedException();

    public Task SaveProgressAsync(EntityProgress progress, CancellationToken ct) => throw new NotSupportedException();

    public Task RecordFailuresAsync(IReadOnlyList<FailureRecord> failures, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<FailureRecord>> FailuresAsync(string? entity, bool unresolvedOnly, CancellationToken ct) => throw new NotSupportedException();

    public Task ResolveFailureAsync(long id, CancellationToken ct) => throw new NotSupportedException();

    public Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct) =>
        throw new NotSupportedException();

    public Task AddIdsAsync(string entity, IReadOnlyList<KeyValuePair<object, string>> pairs, CancellationToken ct) => throw new NotSupportedException();

    public Task<long> CountIdsAsync(string entity, CancellationToken ct) => throw new NotSupportedException();

    public IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, CancellationToken ct) =>
        throw new NotSupportedException();

    public Task AddBackupAsync(BackupRecord backup, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct) => throw new NotSupportedException();

    public Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

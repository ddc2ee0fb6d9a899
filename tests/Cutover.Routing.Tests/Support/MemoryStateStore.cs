using System.Collections.Concurrent;
using Cutover.State;
using Cutover.Testing.Fakes;

namespace Cutover.Routing.Tests.Support;

/// <summary>
/// Only the control values and the audit log of a state store, in memory: all the routing library uses. Everything else
/// throws, so a test that reaches it fails loudly.
/// </summary>
internal sealed class MemoryStateStore : StateStoreFake
{
    public ConcurrentDictionary<string, string?> Values { get; } = new();

    public ConcurrentQueue<(string Action, string Detail)> Audit { get; } = new();

    public int Gets { get; private set; }

    public Exception? FailGetsWith { get; set; }

    public override string Display => "memory";

    public override Task<string?> GetValueAsync(string key, CancellationToken ct)
    {
        Gets++;
        if (FailGetsWith is { } e)
        {
            return Task.FromException<string?>(e);
        }
        return Task.FromResult(Values.TryGetValue(key, out var v) ? v : null);
    }

    public override Task SetValueAsync(string key, string? value, CancellationToken ct)
    {
        Values[key] = value;
        return Task.CompletedTask;
    }

    public List<ConflictRecord> Conflicts { get; } = [];

    public override Task<long> RecordConflictAsync(ConflictRecord conflict, CancellationToken ct)
    {
        lock (Conflicts)
        {
            Conflicts.Add(conflict with { Id = Conflicts.Count + 1 });
            return Task.FromResult((long)Conflicts.Count);
        }
    }

    public override Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct)
    {
        lock (Conflicts)
        {
            return Task.FromResult<IReadOnlyList<ConflictRecord>>(Conflicts.Where(c => !unresolvedOnly || c.ResolvedAt is null).ToList());
        }
    }

    public override Task AuditAsync(string action, string detail, CancellationToken ct)
    {
        Audit.Enqueue((action, detail));
        return Task.CompletedTask;
    }

    public override Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct) =>
        throw new NotSupportedException();

    public override IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, CancellationToken ct) =>
        throw new NotSupportedException();

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

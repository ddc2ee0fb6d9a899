using System.Collections.Concurrent;

namespace Cutover.Routing.Conflicts;

/// <summary>Conflicts in memory, lost with the process: for tests, and the default until a durable journal is registered.</summary>
public sealed class InMemoryConflictJournal : IConflictJournal
{
    private readonly ConcurrentQueue<ConflictRecord> _records = new();

    public IReadOnlyList<ConflictRecord> Records => [.. _records];

    public ValueTask RecordAsync(ConflictRecord conflict, CancellationToken ct)
    {
        _records.Enqueue(conflict);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<ConflictRecord>> ListAsync(CancellationToken ct) => ValueTask.FromResult(Records);
}

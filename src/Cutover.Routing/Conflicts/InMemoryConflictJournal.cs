using System.Collections.Concurrent;

namespace Cutover.Routing.Conflicts;

/// <summary>Conflicts in memory, lost with the process: for tests, and the default until a durable journal is registered.</summary>
public sealed class InMemoryConflictJournal : IConflictJournal
{
    private readonly ConcurrentQueue<RoutingConflict> _records = new();

    public IReadOnlyList<RoutingConflict> Records => [.. _records];

    public ValueTask RecordAsync(RoutingConflict conflict, CancellationToken ct)
    {
        _records.Enqueue(conflict);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<RoutingConflict>> ListAsync(CancellationToken ct) => ValueTask.FromResult(Records);
}

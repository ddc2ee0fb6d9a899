using System.Collections.Concurrent;

namespace Cutover.Routing.Outcomes;

/// <summary>Keeps every outcome in memory, in arrival order; for tests and small samples.</summary>
public sealed class InMemoryWriteLog : IWriteObserver
{
    private readonly ConcurrentQueue<WriteOutcome> _outcomes = new();

    public IReadOnlyList<WriteOutcome> Outcomes => [.. _outcomes];

    public void OnWrite(WriteOutcome outcome) => _outcomes.Enqueue(outcome);
}

using Cutover.State;

namespace Cutover.Routing.Control;

/// <summary>A control state in memory that is both source and writer: for tests and single-process use.</summary>
public sealed class InMemoryRoutingControl(RoutingControl initial) : IRoutingControlSource, IRoutingControlWriter
{
    private readonly Lock _lock = new();
    private readonly List<(RoutingControl Control, string Detail)> _writes = [];
    private RoutingControl _current = initial;

    public RoutingControl Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
        set
        {
            lock (_lock)
            {
                _current = value;
            }
        }
    }

    /// <summary>Every control written through <see cref="WriteAsync"/>, with its audit detail.</summary>
    public IReadOnlyList<(RoutingControl Control, string Detail)> Writes
    {
        get
        {
            lock (_lock)
            {
                return [.. _writes];
            }
        }
    }

    public ValueTask WriteAsync(RoutingControl next, string auditDetail, CancellationToken ct)
    {
        lock (_lock)
        {
            _current = next;
            _writes.Add((next, auditDetail));
        }
        return ValueTask.CompletedTask;
    }
}

using Cutover.State;

namespace Cutover.Routing.Control;

/// <summary>Changes the control state for every running app (the router uses it to roll back on a breach).</summary>
public interface IRoutingControlWriter
{
    /// <summary>Stores <paramref name="next"/>; <paramref name="auditDetail"/> says why, for the audit log.</summary>
    ValueTask WriteAsync(RoutingControl next, string auditDetail, CancellationToken ct);
}

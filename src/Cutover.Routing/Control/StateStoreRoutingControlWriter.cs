using Cutover.State;

namespace Cutover.Routing.Control;

/// <summary>
/// Writes the control as JSON under <see cref="ControlKeys.Routing"/> and an audit entry <c>routing.change</c> with the
/// detail, so every app polling the store sees the change and the audit log keeps the figures that caused it.
/// </summary>
public sealed class StateStoreRoutingControlWriter(IStateStore store) : IRoutingControlWriter
{
    public const string AuditAction = "routing.change";

    public async ValueTask WriteAsync(RoutingControl next, string auditDetail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(next);
        await store.SetValueAsync(ControlKeys.Routing, next.ToJson(), ct).ConfigureAwait(false);
        await store.AuditAsync(AuditAction, $"{next.Stage} lead {next.Lead} reads {next.ReadPercent}% writes {next.WritePercent}% v{next.Version}: {auditDetail}", ct)
            .ConfigureAwait(false);
    }
}

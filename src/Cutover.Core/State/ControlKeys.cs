namespace Cutover.State;

/// <summary>
/// Keys of the control state that applications and later phases read: who is authoritative, whether
/// writes are frozen, the traffic stage. Issue-2 runs set <see cref="Authority"/> to <c>source</c>.
/// </summary>
public static class ControlKeys
{
    public const string Authority = "authority";
    public const string Maintenance = "maintenance";
    public const string Stage = "stage";
    public const string SourceModified = "source_modified";

    /// <summary><c>true</c> while an operator has paused the copy and sync (<c>cutover pause</c>).</summary>
    public const string Paused = "paused";

    /// <summary>The dual-write traffic control (issue 6): a <see cref="RoutingControl"/> as JSON (stage, lead, read and write percentages).</summary>
    public const string Routing = "routing";

    /// <summary>The step a cut-over or rollback is at while it runs (freeze, drain, verify, flip, unfreeze); absent otherwise.</summary>
    public const string Handover = "handover";

    /// <summary>Sync progress per direction (<c>sync.forward</c>, <c>sync.reverse</c>): a <see cref="Sync.SyncProgress"/> as JSON.</summary>
    public static string Sync(Sync.SyncDirection direction) => $"sync.{Cutover.Sync.SyncDirections.Word(direction)}";
}

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
}

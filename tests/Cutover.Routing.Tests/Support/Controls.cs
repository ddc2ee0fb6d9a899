using Cutover.State;

namespace Cutover.Routing.Tests.Support;

internal static class Controls
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static RoutingControl At(string stage, string lead = RoutingControl.LeadOld, int reads = 100, int writes = 100, long version = 1) =>
        new(stage, lead, reads, writes, version, T0, null);
}

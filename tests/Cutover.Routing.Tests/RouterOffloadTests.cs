using Cutover.Routing.Control;
using Cutover.Routing.Outcomes;
using Cutover.Routing.Tests.Support;
using Cutover.State;

namespace Cutover.Routing.Tests;

public sealed class RouterOffloadTests
{
    private readonly InMemoryWriteLog _log = new();

    private MigrationRouter<string, string> Router(string stage, bool offload, TimeSpan timeout)
    {
        var barrier = new Barrier(2);
        var options = new MigrationRouterOptions<string, string> { Breach = null, NewSideBreaker = null, OffloadCalls = offload };
        return new MigrationRouter<string, string>(
            new BarrierTarget(barrier, timeout), new BarrierTarget(barrier, timeout),
            new InMemoryRoutingControl(Controls.At(stage)), options, observer: _log);
    }

    [Fact]
    public async Task DualWrite_OffloadCallsWithSynchronousStores_BothCallsOverlap()
    {
        // Each store returns only once the other is inside its call too, so success proves the calls overlapped.
        await Router(RoutingControl.DualWrite, offload: true, TimeSpan.FromSeconds(30)).WriteAsync("k", "v", default);
        Assert.Equal(WriteOutcomeKind.BothSucceeded, Assert.Single(_log.Outcomes).Kind);
    }

    [Fact]
    public async Task DualDelete_OffloadCallsWithSynchronousStores_BothCallsOverlap()
    {
        await Router(RoutingControl.DualWrite, offload: true, TimeSpan.FromSeconds(30)).DeleteAsync("k", default);
        Assert.Equal(WriteOutcomeKind.BothSucceeded, Assert.Single(_log.Outcomes).Kind);
    }

    [Fact]
    public async Task ShadowRead_OffloadCallsWithSynchronousStores_BothCallsOverlap()
    {
        Assert.Equal("k", await Router(RoutingControl.Shadow, offload: true, TimeSpan.FromSeconds(30)).ReadAsync("k", default));
    }

    [Fact]
    public async Task DualWrite_WithoutOffloadCallsAndSynchronousStores_CallsRunOneAfterTheOther()
    {
        // The default: the old store's synchronous call ends (here: gives up waiting) before the new one starts.
        var router = Router(RoutingControl.DualWrite, offload: false, TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAsync<TimeoutException>(() => router.WriteAsync("k", "v", default).AsTask());
        Assert.Equal(WriteOutcomeKind.BothFailed, Assert.Single(_log.Outcomes).Kind);
    }
}

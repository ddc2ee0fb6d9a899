using Cutover.Routing.Control;
using Cutover.Routing.Tests.Support;
using Cutover.State;
using Cutover.Testing.Conformance;

namespace Cutover.Routing.Tests;

public sealed class RoutingControlSourceTests
{
    private readonly MemoryStateStore _store = new();
    private readonly FakeClock _clock = new(Controls.T0);

    [Fact]
    public void Current_NothingStored_IsInitialLegacy()
    {
        using var source = new RoutingControlSource(_store, _clock);
        source.Start();
        _clock.Advance(TimeSpan.Zero);
        Assert.Equal(RoutingControl.Initial(Controls.T0), source.Current);
        Assert.Null(source.LastError);
    }

    [Fact]
    public void Poll_AChangeInTheStore_IsSeenWithinOneInterval()
    {
        using var source = new RoutingControlSource(_store, _clock);
        var changes = new List<RoutingControl>();
        source.Changed += changes.Add;
        source.Start();
        _clock.Advance(TimeSpan.Zero);

        var next = Controls.At(RoutingControl.DualWrite, reads: 10, writes: 10, version: 1);
        _store.Values[ControlKeys.Routing] = next.ToJson();
        _clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(RoutingControl.Legacy, source.Current.Stage);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(next, source.Current);
        Assert.Equal([next], changes);

        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Single(changes);
        Assert.Equal(3, _store.Gets);
    }

    [Fact]
    public async Task Poll_InvalidValueOrFailingStore_KeepsTheLastGoodControl()
    {
        using var source = new RoutingControlSource(_store, _clock);
        var good = Controls.At(RoutingControl.Shadow, version: 4);
        _store.Values[ControlKeys.Routing] = good.ToJson();
        await source.PollAsync(default);
        Assert.Equal(good, source.Current);

        _store.Values[ControlKeys.Routing] = "{\"stage\":\"sideways\"}";
        await source.PollAsync(default);
        Assert.Equal(good, source.Current);
        Assert.Contains("not valid", source.LastError);

        _store.FailGetsWith = new IOException("connection reset");
        await source.PollAsync(default);
        Assert.Equal(good, source.Current);
        Assert.Contains("connection reset", source.LastError);

        _store.FailGetsWith = null;
        _store.Values.TryRemove(ControlKeys.Routing, out _);
        await source.PollAsync(default);
        Assert.Equal(good, source.Current);
        Assert.Contains("removed", source.LastError);
    }

    [Fact]
    public async Task StateStoreWriter_WritesTheJsonAndAnAuditEntry_TheSourceReadsItBack()
    {
        var writer = new StateStoreRoutingControlWriter(_store);
        var next = Controls.At(RoutingControl.Legacy, version: 9);
        await writer.WriteAsync(next, "step back: new side breached", default);
        var (action, detail) = Assert.Single(_store.Audit);
        Assert.Equal(StateStoreRoutingControlWriter.AuditAction, action);
        Assert.Contains("new side breached", detail);

        using var source = new RoutingControlSource(_store, _clock);
        await source.PollAsync(default);
        Assert.Equal(next, source.Current);
    }

    [Fact]
    public void Dispose_StopsPolling()
    {
        var source = new RoutingControlSource(_store, _clock);
        source.Start();
        _clock.Advance(TimeSpan.Zero);
        source.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, _store.Gets);
    }
}

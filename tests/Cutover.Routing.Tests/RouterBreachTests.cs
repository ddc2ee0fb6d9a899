using Cutover.Routing.Breach;
using Cutover.Routing.Control;
using Cutover.Routing.Outcomes;
using Cutover.Routing.Tests.Support;
using Cutover.State;
using Cutover.Testing.Conformance;
using Polly.CircuitBreaker;

namespace Cutover.Routing.Tests;

public sealed class RouterBreachTests
{
    private readonly MemoryTarget _old = new("old");
    private readonly MemoryTarget _new = new("new");
    private readonly InMemoryRoutingControl _control = new(Controls.At(RoutingControl.DualWrite));
    private readonly InMemoryWriteLog _log = new();
    private readonly FakeClock _clock = new(Controls.T0);

    private MigrationRouter<string, string> Router(BreachOptions? breach, CircuitBreakerStrategyOptions? breaker = null) =>
        new(_old, _new, _control, new() { Breach = breach, NewSideBreaker = breaker }, observer: _log, controlWriter: _control, time: _clock);

    [Fact]
    public async Task NewSideErrorRateCrossed_DualWriteOldLead_StepsBackToLegacyThroughTheWriter()
    {
        var router = Router(new BreachOptions { MaxErrorRate = 0.5, MinCalls = 4 });
        _new.FailWith = new InvalidOperationException("new down");
        for (var i = 0; i < 4; i++)
        {
            await router.WriteAsync($"k{i}", "v", default);
        }

        var (control, detail) = Assert.Single(_control.Writes);
        Assert.Equal(RoutingControl.Legacy, control.Stage);
        Assert.Equal(2L, control.Version);
        Assert.Contains("error rate 100.0 %", detail);
        Assert.NotNull(router.LastBreach);
        Assert.Equal(control, router.LastBreach.Value.Applied);

        // The source now says legacy: the next write goes to old only.
        await router.WriteAsync("after", "v", default);
        Assert.Equal(4, _new.Writes);
        Assert.Equal(5, _old.Writes);
    }

    [Fact]
    public async Task Breach_BeforeTheSourceShowsTheStepBack_TheRouterFollowsItsOwnStepBack_AndWritesItOnce()
    {
        // The writer records; the source has not polled yet, so it still says dual-write.
        var writer = new InMemoryRoutingControl(Controls.At(RoutingControl.DualWrite));
        var router = new MigrationRouter<string, string>(_old, _new, _control, new() { Breach = new BreachOptions { MaxErrorRate = 0.5, MinCalls = 2 }, NewSideBreaker = null },
            observer: _log, controlWriter: writer, time: _clock);
        _new.FailWith = new InvalidOperationException("new down");
        await router.WriteAsync("a", "v", default);
        await router.WriteAsync("b", "v", default);
        var (stepBack, _) = Assert.Single(writer.Writes);
        Assert.Equal(RoutingControl.Legacy, stepBack.Stage);

        // At once, before any poll: the failing new store is no longer called, and no second step back is written.
        for (var i = 0; i < 10; i++)
        {
            await router.WriteAsync($"k{i}", "v", default);
        }
        Assert.Equal(2, _new.Writes);
        Assert.Single(writer.Writes);

        // The source catches up with the step back, then an operator moves on: the router follows the source again.
        _control.Current = stepBack;
        _control.Current = stepBack with { Stage = RoutingControl.DualWrite, Version = stepBack.Version + 1 };
        _new.FailWith = null;
        await router.WriteAsync("again", "v", default);
        Assert.Equal(3, _new.Writes);
    }

    [Fact]
    public async Task NewSideBreach_Live_StepsBackToDualWriteWithOldLeading()
    {
        _control.Current = Controls.At(RoutingControl.Live, RoutingControl.LeadNew);
        var router = Router(new BreachOptions { MaxErrorRate = 0.5, MinCalls = 2 });
        _new.FailWith = new InvalidOperationException("new down");
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => router.WriteAsync($"k{i}", "v", default).AsTask());
        }
        Assert.Equal((RoutingControl.DualWrite, RoutingControl.LeadOld), (_control.Current.Stage, _control.Current.Lead));

        // Old leads now: the failing new side no longer reaches the caller.
        await router.WriteAsync("k9", "v", default);
    }

    [Fact]
    public async Task NewSideBreach_OnBreachFreeze_KeepsTheStageAndMarksItFrozen()
    {
        var router = Router(new BreachOptions { MaxErrorRate = 0.5, MinCalls = 2, OnBreach = OnBreach.Freeze });
        _new.FailWith = new InvalidOperationException("new down");
        await router.WriteAsync("a", "v", default);
        await router.WriteAsync("b", "v", default);
        Assert.Equal(RoutingControl.DualWrite, _control.Current.Stage);
        Assert.StartsWith(RollbackPolicy.FrozenPrefix, _control.Current.Reason);
    }

    [Fact]
    public async Task NewSideBreach_RampDown_FreezesBecauseOldIsStale()
    {
        _control.Current = Controls.At(RoutingControl.RampDown, RoutingControl.LeadNew);
        var router = Router(new BreachOptions { MaxErrorRate = 0.5, MinCalls = 1 });
        _new.FailWith = new InvalidOperationException("new down");
        await Assert.ThrowsAsync<InvalidOperationException>(() => router.ReadAsync("a", default).AsTask());
        Assert.Equal(RoutingControl.RampDown, _control.Current.Stage);
        Assert.StartsWith(RollbackPolicy.FrozenPrefix, _control.Current.Reason);
    }

    [Fact]
    public async Task CircuitBreaker_NewStoreFailing_IsNotCalledWhileOpenAndWritesArePartial()
    {
        var router = Router(null, new CircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromSeconds(10),
            BreakDuration = TimeSpan.FromSeconds(30),
        });
        _new.FailWith = new InvalidOperationException("new down");
        for (var i = 0; i < 10; i++)
        {
            await router.WriteAsync($"k{i}", "v", default);
        }
        Assert.Equal(2, _new.Writes);
        Assert.Equal(10, _old.Writes);
        Assert.All(_log.Outcomes, o => Assert.Equal((WriteOutcomeKind.Partial, RoutingSide.New), (o.Kind, o.FailedSide!.Value)));
        Assert.Contains(_log.Outcomes, o => o.Error!.StartsWith(nameof(BrokenCircuitException), StringComparison.Ordinal));

        // After the break the breaker lets one call through; the store is back, so it closes.
        _new.FailWith = null;
        _clock.Advance(TimeSpan.FromSeconds(31));
        await router.WriteAsync("back", "v", default);
        await router.WriteAsync("again", "v", default);
        Assert.Equal(4, _new.Writes);
        Assert.Equal(WriteOutcomeKind.BothSucceeded, _log.Outcomes[^1].Kind);
    }

    [Fact]
    public async Task PlanThresholdsInTheControl_ApplyInsteadOfTheRoutersOwn_EvenWithItsMonitorOff()
    {
        var router = Router(null, breaker: null);
        _new.FailWith = new InvalidOperationException("new down");
        for (var i = 0; i < 5; i++)
        {
            await router.WriteAsync($"own{i}", "v", default);
        }
        Assert.Null(router.Monitor);
        Assert.Empty(_control.Writes);

        // The plan's thresholds arrive with the control (cutover rollout / stage / traffic publish them): freeze after 3 calls.
        _control.Current = _control.Current with { Version = 2, Thresholds = new RoutingThresholds(0.5, 500, 30, 3, RoutingThresholds.Freeze) };
        await router.WriteAsync("p1", "v", default);
        await router.WriteAsync("p2", "v", default);
        Assert.Empty(_control.Writes);
        await router.WriteAsync("p3", "v", default);

        var (frozen, _) = Assert.Single(_control.Writes);
        Assert.Equal(RoutingControl.DualWrite, frozen.Stage);
        Assert.StartsWith(RollbackPolicy.FrozenPrefix, frozen.Reason);
        Assert.Equal((3, 0.5, OnBreach.Freeze), (router.Monitor!.Options.MinCalls, router.Monitor.Options.MaxErrorRate, router.Monitor.Options.OnBreach));
    }

    [Fact]
    public async Task PlanThresholds_KeepTheirWindowAcrossVersions_AndStartAFreshOneWhenTheyChange()
    {
        var thresholds = new RoutingThresholds(0.5, 500, 30, 4, RoutingThresholds.StepBack);
        _control.Current = _control.Current with { Thresholds = thresholds };
        var router = Router(new BreachOptions { MinCalls = 1000 }, breaker: null);
        _new.FailWith = new InvalidOperationException("new down");
        await router.WriteAsync("a", "v", default);
        await router.WriteAsync("b", "v", default);

        // A rollout step: new version, same thresholds; the window goes on (2 + 2 calls = a breach at 4).
        _control.Current = _control.Current with { Version = 2, WritePercent = 100 };
        var monitor = router.Monitor;
        Assert.Equal((2, 2), (monitor!.Snapshot().Calls, monitor.Snapshot().Failures));
        await router.WriteAsync("c", "v", default);
        await router.WriteAsync("d", "v", default);
        var (stepBack, _) = Assert.Single(_control.Writes);
        Assert.Equal(RoutingControl.Legacy, stepBack.Stage);
        Assert.Equal(thresholds, stepBack.Thresholds);

        // New thresholds: a fresh window judged by them.
        _control.Current = Controls.At(RoutingControl.DualWrite, version: 10) with { Thresholds = thresholds with { MinCalls = 2 } };
        Assert.NotSame(monitor, router.Monitor);
        Assert.Equal(0, router.Monitor!.Snapshot().Calls);
    }
}

using Cutover.Routing.Breach;
using Cutover.Routing.Tests.Support;
using Cutover.Testing.Conformance;

namespace Cutover.Routing.Tests;

public sealed class BreachMonitorTests
{
    private readonly TestClock _clock = new(Controls.T0);

    private BreachMonitor Monitor(double maxErrorRate = 0.1, int maxP99Ms = 200, int windowSeconds = 10, int minCalls = 10) =>
        new(new BreachOptions
        {
            MaxErrorRate = maxErrorRate,
            MaxP99 = TimeSpan.FromMilliseconds(maxP99Ms),
            Window = TimeSpan.FromSeconds(windowSeconds),
            MinCalls = minCalls,
        }, _clock);

    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(5);

    [Fact]
    public void Record_FewerThanMinCalls_NeverBreaches()
    {
        var monitor = Monitor();
        for (var i = 0; i < 9; i++)
        {
            Assert.Null(monitor.Record(false, Fast));
        }
    }

    [Fact]
    public void Record_ErrorRateAboveMax_BreachesWithTheFigures()
    {
        var monitor = Monitor();
        BreachReport? raised = null;
        monitor.Breached += r => raised = r;
        for (var i = 0; i < 8; i++)
        {
            Assert.Null(monitor.Record(true, Fast));
        }
        Assert.Null(monitor.Record(false, Fast));
        var report = monitor.Record(false, Fast);

        Assert.NotNull(report);
        Assert.Same(report, raised);
        Assert.Equal((10, 2, 0.2), (report.Calls, report.Failures, report.ErrorRate));
        Assert.Equal(Controls.T0, report.At);
        Assert.Contains("error rate 20.0 %", report.ToString());
    }

    [Fact]
    public void Record_P99AboveMax_Breaches()
    {
        var monitor = Monitor(minCalls: 100);
        for (var i = 0; i < 99; i++)
        {
            Assert.Null(monitor.Record(true, Fast));
        }
        // One slow call in 100 is the 1 % above p99 (nearest rank: the 99th of 100 is fast); a second makes p99 slow.
        Assert.Null(monitor.Record(true, TimeSpan.FromMilliseconds(900)));
        Assert.Equal(5, monitor.Snapshot().P99Ms);
        var report = monitor.Record(true, TimeSpan.FromMilliseconds(900));
        Assert.NotNull(report);
        Assert.Equal(900, report.P99Ms);
        Assert.Equal(0, report.Failures);
    }

    [Fact]
    public void Record_OldCallsOutsideTheWindow_NoLongerCount()
    {
        var monitor = Monitor();
        for (var i = 0; i < 5; i++)
        {
            monitor.Record(false, Fast);
        }
        _clock.Advance(TimeSpan.FromSeconds(11));
        for (var i = 0; i < 9; i++)
        {
            Assert.Null(monitor.Record(true, Fast));
        }
        Assert.Equal((9, 0), (monitor.Snapshot().Calls, monitor.Snapshot().Failures));
    }

    [Fact]
    public void Record_AfterABreach_StartsAnEmptyWindow()
    {
        var monitor = Monitor(minCalls: 2);
        Assert.Null(monitor.Record(false, Fast));
        Assert.NotNull(monitor.Record(false, Fast));
        Assert.Null(monitor.Record(false, Fast));
        Assert.Equal(1, monitor.Snapshot().Calls);
    }

    [Fact]
    public void Validate_EveryProblem_ReportedAtOnce()
    {
        var errors = new BreachOptions { MaxErrorRate = 2, MaxP99 = TimeSpan.Zero, Window = TimeSpan.FromSeconds(-1), MinCalls = 0 }.Validate();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("max_error_rate", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new BreachMonitor(new BreachOptions { MinCalls = 0 }, _clock));
    }
}

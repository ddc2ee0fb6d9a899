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
    public void Record_RandomCallsOverAMovingWindow_BreachesExactlyWhenTheSortedWindowDoes()
    {
        // The monitor keeps counts instead of sorting the window on every call; this holds it to the sorted rule.
        var random = new Random(6);
        var monitor = Monitor(maxErrorRate: 0.02, maxP99Ms: 200, windowSeconds: 10, minCalls: 20);
        var window = new List<(DateTimeOffset At, bool Ok, double Ms)>();
        var (byRate, byP99) = (0, 0);
        for (var i = 0; i < 5000; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 40)));
            var ok = random.NextDouble() > 0.015;
            // At and just above the limit, so "above" is tested as strictly above.
            var ms = random.NextDouble() < 0.03 ? 200 + random.Next(0, 2) : random.Next(1, 200);
            var now = _clock.GetUtcNow();
            window.Add((now, ok, ms));
            window.RemoveAll(c => c.At <= now - TimeSpan.FromSeconds(10));
            var sorted = window.Select(c => c.Ms).Order().ToArray();
            var p99 = sorted[Math.Clamp((int)Math.Ceiling(0.99 * sorted.Length) - 1, 0, sorted.Length - 1)];
            var rate = (double)window.Count(c => !c.Ok) / window.Count;
            var expected = window.Count >= 20 && (rate > 0.02 || p99 > 200);

            var report = monitor.Record(ok, TimeSpan.FromMilliseconds(ms));

            Assert.Equal(expected, report is not null);
            if (report is not null)
            {
                Assert.Equal((window.Count, p99, rate), (report.Calls, report.P99Ms, report.ErrorRate));
                window.Clear();
                byRate += rate > 0.02 ? 1 : 0;
                byP99 += p99 > 200 ? 1 : 0;
            }
        }
        Assert.True(byRate > 3 && byP99 > 3, $"too few breaches to judge: {byRate} by error rate, {byP99} by p99");
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

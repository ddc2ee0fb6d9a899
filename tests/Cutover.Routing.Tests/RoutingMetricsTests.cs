using System.Diagnostics.Metrics;
using Cutover.Routing.Control;
using Cutover.Routing.Tests.Support;
using Cutover.State;
using Cutover.Testing.Conformance;

namespace Cutover.Routing.Tests;

public sealed class RoutingMetricsTests
{
    [Fact]
    public async Task DualWrites_CountOutcomesConflictsAndLatencyPerSide()
    {
        using var metrics = new RoutingMetrics();
        var counts = new Dictionary<string, long>();
        var latencies = new List<(string Side, string Op)>();
        using var listener = new MeterListener
        {
            // Only this test's meter: other tests' routers publish on meters of the same name.
            InstrumentPublished = (i, l) =>
            {
                if (ReferenceEquals(i.Meter, metrics.Meter))
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) =>
        {
            lock (counts)
            {
                counts[i.Name] = counts.GetValueOrDefault(i.Name) + v;
            }
        });
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) =>
        {
            var d = tags.ToArray().ToDictionary(t => t.Key, t => (string)t.Value!);
            lock (latencies)
            {
                latencies.Add((d["side"], d["op"]));
            }
        });
        listener.Start();

        MemoryTarget old = new("old"), @new = new("new");
        var router = new MigrationRouter<string, string>(old, @new, new InMemoryRoutingControl(Controls.At(RoutingControl.DualWrite)),
            new() { Breach = null, NewSideBreaker = null }, metrics: metrics, time: new FakeClock(Controls.T0));
        await router.WriteAsync("ok", "v", default);
        @new.FailWith = new InvalidOperationException("new");
        await router.WriteAsync("partial", "v", default);
        old.FailWith = new InvalidOperationException("old");
        await Assert.ThrowsAsync<InvalidOperationException>(() => router.WriteAsync("failed", "v", default).AsTask());

        Assert.Equal(3, counts["cutover.routing.writes_total"]);
        Assert.Equal(1, counts["cutover.routing.writes_successful"]);
        Assert.Equal(1, counts["cutover.routing.writes_partial"]);
        Assert.Equal(1, counts["cutover.routing.writes_failed"]);
        Assert.Equal(1, counts["cutover.routing.conflicts_found"]);
        Assert.Equal(3, latencies.Count(l => l == ("old", "write")));
        Assert.Equal(3, latencies.Count(l => l == ("new", "write")));
        Assert.Equal(3, latencies.Count(l => l == ("dual", "write")));
        Assert.Equal(RoutingMetrics.MeterName, metrics.Meter.Name);
    }
}

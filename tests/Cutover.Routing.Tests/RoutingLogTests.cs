using Cutover.Routing.Breach;
using Cutover.Routing.Control;
using Cutover.Routing.Tests.Support;
using Cutover.State;
using Cutover.Testing.Conformance;
using Microsoft.Extensions.Logging;

namespace Cutover.Routing.Tests;

public sealed class RoutingLogTests
{
    private readonly MemoryTarget _old = new("old");
    private readonly MemoryTarget _new = new("new");
    private readonly InMemoryRoutingControl _control = new(Controls.At(RoutingControl.DualWrite));
    private readonly FakeClock _clock = new(Controls.T0);
    private readonly ListLogger _log = new();

    private MigrationRouter<string, string> Router(BreachOptions? breach) =>
        new(_old, _new, _control, new() { Entity = "sessions", Breach = breach, NewSideBreaker = null }, controlWriter: _control, time: _clock, logger: _log);

    [Fact]
    public async Task PartialWrite_IsAWarningNamingEntityKeyAndSide_NeverTheValue()
    {
        var router = Router(null);
        _new.FailWith = new InvalidOperationException("disk full");

        await router.WriteAsync("s-42", "secret body text", default);

        var (level, id, message) = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Warning, 1), (level, id));
        Assert.Contains("dual write of sessions key s-42: the new side failed (InvalidOperationException: disk full)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret body text", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Breach_IsAnErrorWithTheFiguresAndTheControlItSet()
    {
        var router = Router(new BreachOptions { MaxErrorRate = 0.5, MinCalls = 2 });
        _new.FailWith = new InvalidOperationException("down");

        await router.WriteAsync("a", "v", default);
        await router.WriteAsync("b", "v", default);

        var breach = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("sessions: new side breached: error rate 100.0 %", breach.Message, StringComparison.Ordinal);
        Assert.Contains("routing set to legacy (old leads)", breach.Message, StringComparison.Ordinal);
        Assert.Equal(2, _log.Entries.Count(e => e.Level == LogLevel.Warning));
    }

    [Fact]
    public async Task ControlSource_LogsEachChange_AndAProblemOnceUntilItClears()
    {
        var store = new MemoryStateStore();
        using var source = new RoutingControlSource(store, _clock, logger: _log);
        store.Values[ControlKeys.Routing] = Controls.At(RoutingControl.Shadow, version: 3).ToJson();

        await source.PollAsync(default);
        store.FailGetsWith = new IOException("state store gone");
        await source.PollAsync(default);
        await source.PollAsync(default);
        store.FailGetsWith = null;
        await source.PollAsync(default);

        Assert.Equal(
            [(LogLevel.Information, 7), (LogLevel.Warning, 8)],
            _log.Entries.Select(e => (e.Level, e.EventId)));
        Assert.Contains("routing control version 3: shadow (old leads)", _log.Entries.First().Message, StringComparison.Ordinal);
        Assert.Contains("could not read the routing control: state store gone", _log.Entries.Last().Message, StringComparison.Ordinal);
    }
}

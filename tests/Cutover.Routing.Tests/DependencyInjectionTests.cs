using Cutover.Routing.Breach;
using Cutover.Routing.DependencyInjection;
using Cutover.Routing.Tests.Support;
using Cutover.State;
using Cutover.Testing.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Routing.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddCutoverRouting_RouterFollowsTheStateStoresControl()
    {
        var store = new MemoryStateStore();
        var clock = new FakeClock(Controls.T0);
        MemoryTarget old = new("old"), @new = new("new");
        var services = new ServiceCollection()
            .AddSingleton<IStateStore>(store)
            .AddSingleton<TimeProvider>(clock)
            .AddCutoverRouting<string, string>(_ => old, _ => @new, o => o.Breach = new BreachOptions { MinCalls = 50 });
        await using var provider = services.BuildServiceProvider();

        var target = provider.GetRequiredService<IMigrationTarget<string, string>>();
        Assert.Same(provider.GetRequiredService<MigrationRouter<string, string>>(), target);
        await target.WriteAsync("a", "1", default);

        store.Values[ControlKeys.Routing] = Controls.At(RoutingControl.DualWrite).ToJson();
        clock.Advance(TimeSpan.FromMilliseconds(500));
        await target.WriteAsync("b", "2", default);

        Assert.Equal(["a", "b"], old.Values.Keys.Order());
        Assert.Equal(["b"], new List<string>(@new.Values.Keys));
    }

    [Fact]
    public void AddCutoverRouting_InvalidBreachOptions_ThrowsWithEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddCutoverRouting<string, string>(
            _ => new MemoryTarget("o"), _ => new MemoryTarget("n"), o => o.Breach = new BreachOptions { MaxErrorRate = -1, MinCalls = 0 }));
        Assert.Contains("max_error_rate", e.Message);
        Assert.Contains("min_calls", e.Message);
    }
}

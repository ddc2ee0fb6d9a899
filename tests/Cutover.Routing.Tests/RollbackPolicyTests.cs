using Cutover.Routing.Breach;
using Cutover.Routing.Tests.Support;
using Cutover.State;

namespace Cutover.Routing.Tests;

public sealed class RollbackPolicyTests
{
    private static readonly BreachReport Breach = new(20, 10, 0.5, 12, 0.05, 500, TimeSpan.FromSeconds(30), Controls.T0.AddMinutes(5));

    [Theory]
    [InlineData(RoutingControl.Live, RoutingControl.LeadNew, RoutingControl.DualWrite)]
    [InlineData(RoutingControl.DualWrite, RoutingControl.LeadNew, RoutingControl.DualWrite)]
    [InlineData(RoutingControl.DualWrite, RoutingControl.LeadOld, RoutingControl.Legacy)]
    [InlineData(RoutingControl.Shadow, RoutingControl.LeadOld, RoutingControl.Legacy)]
    public void StepBack_FromAStageThatStillWritesOld_GoesOneStepBackWithOldLeading(string stage, string lead, string expected)
    {
        var next = RollbackPolicy.StepBack(Controls.At(stage, lead, reads: 40, writes: 60, version: 7), Breach);
        Assert.NotNull(next);
        Assert.Equal((expected, RoutingControl.LeadOld, 0, 60, 8L), (next.Stage, next.Lead, next.ReadPercent, next.WritePercent, next.Version));
        Assert.Equal(Breach.At, next.ChangedAt);
        Assert.StartsWith("step back: new side breached", next.Reason);
    }

    [Theory]
    [InlineData(RoutingControl.Legacy)]
    [InlineData(RoutingControl.RampDown)]
    [InlineData(RoutingControl.Complete)]
    public void StepBack_WhereOldIsNotWrittenOrAlreadyLegacy_IsNull(string stage)
    {
        Assert.Null(RollbackPolicy.StepBack(Controls.At(stage), Breach));
    }

    [Fact]
    public void Freeze_KeepsStageAndPercentagesAndSaysFrozen()
    {
        var current = Controls.At(RoutingControl.DualWrite, reads: 10, writes: 50, version: 3);
        var next = RollbackPolicy.Freeze(current, Breach);
        Assert.Equal(current with { Version = 4, ChangedAt = Breach.At, Reason = next.Reason }, next);
        Assert.StartsWith(RollbackPolicy.FrozenPrefix, next.Reason);
    }
}

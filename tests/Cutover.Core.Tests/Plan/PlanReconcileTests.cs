using Cutover.Core.Tests.Support;
using Cutover.Plan;
using Cutover.State;

namespace Cutover.Core.Tests.Plan;

public sealed class PlanReconcileTests
{
    [Theory]
    [InlineData("old-wins", ReconcileStrategy.OldWins)]
    [InlineData("new-wins", ReconcileStrategy.NewWins)]
    [InlineData("manual", ReconcileStrategy.Manual)]
    [InlineData("new_wins", ReconcileStrategy.NewWins)]
    public void Reconcile_AtTheTop_IsRead(string text, ReconcileStrategy expected)
    {
        var (plan, errors) = Plans.Parse([$"reconcile: {text}", .. Plans.Header, "  - table: orders"]);

        Assert.Empty(errors);
        Assert.Equal(expected, plan!.Reconcile);
        Assert.Null(plan.Entities[0].Reconcile);
    }

    [Fact]
    public void Reconcile_OnAnEntity_IsReadApart()
    {
        var (plan, errors) = Plans.Parse([.. Plans.Header, "  - table: orders", "    reconcile: manual", "  - table: items"]);

        Assert.Empty(errors);
        Assert.Null(plan!.Reconcile);
        Assert.Equal(ReconcileStrategy.Manual, plan.Entities[0].Reconcile);
        Assert.Null(plan.Entities[1].Reconcile);
    }

    [Theory]
    [InlineData("newest", "reconcile must be old-wins, new-wins or manual, not 'newest'")]
    [InlineData("[old-wins]", "reconcile must be old-wins, new-wins or manual, not a list")]
    public void Reconcile_NotAStrategy_IsAnErrorAtItsValue(string text, string message)
    {
        var (plan, errors) = Plans.Parse([.. Plans.Header, "  - table: orders", $"    reconcile: {text}"]);

        Assert.Null(plan);
        var e = Assert.Single(errors);
        Assert.Equal(message, e.Message);
        Assert.Equal((5, 16), (e.At.Line, e.At.Column));
    }

    [Theory]
    [InlineData(RoutingControl.Legacy, "old", ReconcileStrategy.OldWins, "old leads: stage legacy")]
    [InlineData(RoutingControl.Shadow, "old", ReconcileStrategy.OldWins, "old leads: stage shadow")]
    [InlineData(RoutingControl.DualWrite, "old", ReconcileStrategy.OldWins, "old leads: stage dual-write, lead old")]
    [InlineData(RoutingControl.DualWrite, "new", ReconcileStrategy.NewWins, "new leads: stage dual-write, lead new")]
    [InlineData(RoutingControl.Live, "new", ReconcileStrategy.NewWins, "new leads: stage live")]
    [InlineData(RoutingControl.RampDown, "new", ReconcileStrategy.NewWins, "new leads: stage ramp-down")]
    [InlineData(RoutingControl.Complete, "new", ReconcileStrategy.NewWins, "new leads: stage complete")]
    public void FromLeader_TheSideThatLeadsWins(string stage, string lead, ReconcileStrategy expected, string why)
    {
        var control = RoutingControl.Initial(DateTimeOffset.UnixEpoch) with { Stage = stage, Lead = lead };

        Assert.Equal((expected, why), ReconcileStrategies.FromLeader(control));
    }
}

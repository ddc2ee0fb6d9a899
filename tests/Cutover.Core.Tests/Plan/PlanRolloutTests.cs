using Cutover.Core.Tests.Support;
using Cutover.Plan;
using Cutover.State;

namespace Cutover.Core.Tests.Plan;

public sealed class PlanRolloutTests
{
    private static PlanError Error(params string[] rollout)
    {
        var (plan, errors) = Plans.Parse([.. Plans.Header, "  - table: orders", .. rollout]);
        Assert.Null(plan);
        return Assert.Single(errors);
    }

    [Fact]
    public void Rollout_StepsWithPercentReadsAndHold_AreRead()
    {
        var (plan, errors) = Plans.Parse([.. Plans.Header, "  - table: orders", "rollout:", "  stage: dual-write", "  lead: old", "  steps:",
            "    - { percent: 10, hold: 30s }", "    - { percent: 50, reads: 20, hold: 2m }", "    - { percent: 100 }"]);

        Assert.Empty(errors);
        var r = plan!.Rollout!;
        Assert.Equal(("dual-write", "old"), (r.Stage, r.Lead));
        Assert.Equal([(10, 10, TimeSpan.FromSeconds(30)), (50, 20, TimeSpan.FromMinutes(2)), (100, 100, TimeSpan.Zero)],
            r.Steps.Select(s => (s.WritePercent, s.ReadPercent, s.Hold)));
    }

    [Fact]
    public void NoRollout_IsNull() => Assert.Null(Plans.Parse([.. Plans.Header, "  - table: orders"]).Plan!.Rollout);

    [Fact]
    public void StepsGoingDown_AreAnErrorAtTheStep()
    {
        var e = Error("rollout:", "  steps:", "    - { percent: 50 }", "    - { percent: 10 }");

        Assert.Contains("rollout steps go up: 10 comes after 50", e.Message, StringComparison.Ordinal);
        Assert.Equal(Plans.Header.Length + 5, e.At.Line);
    }

    [Theory]
    [InlineData("  stage: legacy", "does not split traffic")]
    [InlineData("  lead: both", "is not a side")]
    [InlineData("  speed: fast", "speed")]
    public void BadValues_AreErrorsWithTheirPlace(string line, string expected)
    {
        var e = Error("rollout:", line, "  steps:", "    - { percent: 10 }");

        Assert.Contains(expected, e.Message + e.Fix, StringComparison.Ordinal);
        Assert.Equal(Plans.Header.Length + 3, e.At.Line);
    }

    [Fact]
    public void NoSteps_OrAStepWithoutPercent_AreErrors()
    {
        Assert.Contains("rollout has no steps", Error("rollout:", "  stage: live").Message, StringComparison.Ordinal);
        Assert.Contains("needs percent", Error("rollout:", "  steps:", "    - { hold: 5m }").Message, StringComparison.Ordinal);
        Assert.Contains("101", Error("rollout:", "  steps:", "    - { percent: 101 }").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Thresholds_AndOnBreach_AreRead_WithDefaultsForWhatIsLeftOut()
    {
        var (plan, errors) = Plans.Parse([.. Plans.Header, "  - table: orders", "rollout:", "  on_breach: freeze",
            "  thresholds: { max_error_rate: 2%, max_p99: 250ms }", "  steps:", "    - { percent: 10 }"]);

        Assert.Empty(errors);
        Assert.Equal(new RoutingThresholds(0.02, 250, 30, 20, RoutingThresholds.Freeze), plan!.Rollout!.Thresholds);
    }

    [Fact]
    public void OnBreachAlone_TakesTheDefaultThresholds_AndNeither_LeavesThemToTheApplications()
    {
        var onBreach = Plans.Parse([.. Plans.Header, "  - table: orders", "rollout:", "  on_breach: step-back", "  steps:", "    - { percent: 10 }"]).Plan!;
        var neither = Plans.Parse([.. Plans.Header, "  - table: orders", "rollout:", "  steps:", "    - { percent: 10 }"]).Plan!;

        Assert.Equal(RoutingThresholds.Defaults, onBreach.Rollout!.Thresholds);
        Assert.Null(neither.Rollout!.Thresholds);
    }

    [Theory]
    [InlineData("  on_breach: panic", "on_breach 'panic' is not a choice")]
    [InlineData("  thresholds: { max_error_rate: 1.5 }", "max_error_rate '1.5' is not a share from 0 to 1")]
    [InlineData("  thresholds: { max_p99: fast }", "'max_p99' must be a duration")]
    [InlineData("  thresholds: { window: 0s }", "window must be more than zero")]
    [InlineData("  thresholds: { min_calls: 0 }", "'min_calls' must be a whole number from 1")]
    [InlineData("  thresholds: { max_eror_rate: 0.1 }", "did you mean 'max_error_rate'?")]
    public void BadThresholds_AreErrorsOnTheirLine(string line, string expected)
    {
        var e = Error("rollout:", line, "  steps:", "    - { percent: 10 }");

        Assert.Contains(expected, e.Message + " " + e.Fix, StringComparison.Ordinal);
        Assert.Equal(Plans.Header.Length + 3, e.At.Line);
    }
}

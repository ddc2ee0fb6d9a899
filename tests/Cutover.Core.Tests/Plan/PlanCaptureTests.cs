using Cutover.Capture;
using Cutover.Core.Tests.Support;
using Cutover.Plan;

namespace Cutover.Core.Tests.Plan;

public class PlanCaptureTests
{
    private static (MigrationPlan? Plan, List<PlanError> Errors) With(params string[] lines) =>
        Plans.Parse(["source: sqlite:a.db", "target: sqlite:b.db", .. lines, "entities:", "  - table: t"]);

    [Fact]
    public void Parse_NoCaptureKeys_OfflineDefaults()
    {
        var (plan, errors) = With();

        Assert.Empty(errors);
        Assert.Equal(CaptureMode.None, plan!.Capture);
        Assert.Equal(CutoverOptions.Default, plan.Cutover);
        Assert.True(plan.Throttle.IsOff);
    }

    [Theory]
    [InlineData("capture: triggers", CaptureMode.Triggers)]
    [InlineData("capture: logical", CaptureMode.Logical)]
    [InlineData("capture: none", CaptureMode.None)]
    public void Parse_Capture_IsRead(string line, CaptureMode expected)
    {
        var (plan, errors) = With(line);

        Assert.Empty(errors);
        Assert.Equal(expected, plan!.Capture);
    }

    [Fact]
    public void Parse_BadCapture_ErrorNamesTheChoicesAndPlace()
    {
        var (_, errors) = With("capture: binlog");

        var e = Assert.Single(errors);
        Assert.Contains("none | triggers | logical", e.Message);
        Assert.Equal(3, e.At.Line);
    }

    [Fact]
    public void Parse_CutoverBlock_IsRead()
    {
        var (plan, errors) = With("cutover: { max_lag: 250ms, max_pending: 50, verify: checksums, drain_timeout: 2m }");

        Assert.Empty(errors);
        Assert.Equal(new CutoverOptions(TimeSpan.FromMilliseconds(250), 50, VerifyMode.Checksums, TimeSpan.FromMinutes(2)), plan!.Cutover);
    }

    [Fact]
    public void Parse_ThrottleBlock_IsRead()
    {
        var (plan, errors) = With("throttle:", "  max_target_latency: 200ms", "  max_lag: 1.5s", "  rows_per_second: 1000");

        Assert.Empty(errors);
        Assert.Equal(new ThrottleOptions(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1500), 1000), plan!.Throttle);
        Assert.False(plan.Throttle.IsOff);
    }

    [Fact]
    public void Parse_BadDurationsAndKeys_EveryProblemReportedWithItsPlace()
    {
        var (_, errors) = With("cutover: { max_lag: soon, drain: 5s }", "throttle: 5");

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Message.Contains("'max_lag' must be a duration") && e.At.Line == 3);
        Assert.Contains(errors, e => e.Message.Contains("unknown key 'drain'"));
        Assert.Contains(errors, e => e.Message.Contains("'throttle' must be a mapping") && e.At.Line == 4);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("5s", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 10 s ", 10_000)]
    public void DurationText_TryParse_ReadsUnits(string text, double ms)
    {
        Assert.True(DurationText.TryParse(text, out var d));
        Assert.Equal(ms, d.TotalMilliseconds);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("5 days")]
    [InlineData("-5s")]
    [InlineData("s")]
    [InlineData("1e3s")]
    public void DurationText_TryParse_RefusesWhatIsNotADuration(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }

    [Fact]
    public void DurationText_Format_RoundTrips()
    {
        foreach (var text in new[] { "250ms", "5s", "1.5s", "5m", "3h" })
        {
            Assert.True(DurationText.TryParse(text, out var d));
            Assert.Equal(text, DurationText.Format(d));
        }
    }
}

using Cutover.State;

namespace Cutover.Core.Tests.State;

public sealed class RoutingControlTests
{
    [Fact]
    public void ToJson_ThenParse_GivesTheSameControl()
    {
        var c = new RoutingControl(RoutingControl.DualWrite, RoutingControl.LeadNew, 10, 50, 7, new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero), "rollout step 2");

        var json = c.ToJson();

        Assert.Contains("\"read_percent\":10", json, StringComparison.Ordinal);
        Assert.Equal(c, RoutingControl.Parse(json));
    }

    [Fact]
    public void Thresholds_RoundTrip_AndAControlWithoutThem_ParsesWithNone()
    {
        var c = new RoutingControl(RoutingControl.Live, RoutingControl.LeadNew, 100, 100, 3, DateTimeOffset.UnixEpoch, null,
            new RoutingThresholds(0.02, 250, 10, 5, RoutingThresholds.Freeze));

        var json = c.ToJson();

        Assert.Contains("\"on_breach\":\"freeze\"", json, StringComparison.Ordinal);
        Assert.Equal(c, RoutingControl.Parse(json));
        Assert.Null(RoutingControl.Parse(json.Replace(",\"thresholds\":{", ",\"x\":{", StringComparison.Ordinal))!.Thresholds);
    }

    [Theory]
    [InlineData("{\"max_error_rate\":2,\"max_p99_ms\":250,\"window_seconds\":10,\"min_calls\":5,\"on_breach\":\"freeze\"}")]
    [InlineData("{\"max_error_rate\":0.1,\"max_p99_ms\":0,\"window_seconds\":10,\"min_calls\":5,\"on_breach\":\"freeze\"}")]
    [InlineData("{\"max_error_rate\":0.1,\"max_p99_ms\":250,\"window_seconds\":10,\"min_calls\":0,\"on_breach\":\"freeze\"}")]
    [InlineData("{\"max_error_rate\":0.1,\"max_p99_ms\":250,\"window_seconds\":10,\"min_calls\":5,\"on_breach\":\"panic\"}")]
    [InlineData("{\"max_error_rate\":0.1,\"max_p99_ms\":250,\"window_seconds\":10,\"min_calls\":5}")]
    public void ThresholdsNoRouterCouldApply_AreDropped_TheRoutingStays(string thresholds)
    {
        var json = "{\"stage\":\"live\",\"lead\":\"new\",\"read_percent\":100,\"write_percent\":100,\"version\":4,\"changed_at\":\"2026-11-22T12:00:00+00:00\",\"reason\":null,\"thresholds\":" + thresholds + "}";

        var c = RoutingControl.Parse(json);

        Assert.NotNull(c);
        Assert.Equal((RoutingControl.Live, 4L), (c.Stage, c.Version));
        Assert.Null(c.Thresholds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"stage\":\"sideways\",\"lead\":\"old\",\"read_percent\":0,\"write_percent\":0,\"version\":1,\"changed_at\":\"2026-11-22T12:00:00+00:00\",\"reason\":null}")]
    [InlineData("{\"stage\":\"live\",\"lead\":\"both\",\"read_percent\":0,\"write_percent\":0,\"version\":1,\"changed_at\":\"2026-11-22T12:00:00+00:00\",\"reason\":null}")]
    [InlineData("{\"stage\":\"live\",\"lead\":\"new\",\"read_percent\":101,\"write_percent\":0,\"version\":1,\"changed_at\":\"2026-11-22T12:00:00+00:00\",\"reason\":null}")]
    public void Parse_SomethingElse_IsNull(string? json) => Assert.Null(RoutingControl.Parse(json));

    [Fact]
    public void Initial_IsLegacyWithTheOldStoreLeading()
    {
        var c = RoutingControl.Initial(DateTimeOffset.UnixEpoch);

        Assert.Equal((RoutingControl.Legacy, RoutingControl.LeadOld, 0, 0, 0L), (c.Stage, c.Lead, c.ReadPercent, c.WritePercent, c.Version));
    }
}

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

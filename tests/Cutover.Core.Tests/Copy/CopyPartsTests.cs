using Cutover.Copy;
using Cutover.State;

namespace Cutover.Core.Tests.Copy;

public sealed class CopyPartsTests
{
    [Theory]
    [InlineData(1_000_000, 1, 500_000, 0)]   // one job: never cut
    [InlineData(499_999, 4, 500_000, 0)]     // below the threshold
    [InlineData(500_000, 2, 500_000, 2)]     // at it: one range per job
    [InlineData(5_000_000, 2, 1_000_000, 6)] // five ranges' worth, rounded up to a multiple of the jobs
    [InlineData(5_000_000, 4, 1_000_000, 8)]
    [InlineData(200_000, 3, 20_000, 12)]
    [InlineData(long.MaxValue, 2, 1, 1024)]   // capped
    public void Count_CutsLargeTablesIntoAMultipleOfTheJobs(long rows, int jobs, long splitRows, int expected) =>
        Assert.Equal(expected, CopyParts.Count(rows, jobs, splitRows));

    [Theory]
    [InlineData("events#range1/4", "events", true)]
    [InlineData("events#range12/12", "events", true)]
    [InlineData("events#range1/4", "event", false)]
    [InlineData("my#events#range2/3", "my#events", true)]
    [InlineData("events#idmap", "events", false)]
    [InlineData("events", "events", false)]
    public void IsRangeOf_MatchesOnlyTheEntitysOwnRanges(string progressName, string entity, bool expected) =>
        Assert.Equal(expected, CopyParts.IsRangeOf(progressName, entity));

    [Fact]
    public void Rollup_SplitEntityShowsTheSumOfItsRanges_AndHidesBookkeeping()
    {
        EntityProgress Row(string name, long read, string status, double seconds = 1) => new("r", name, 1000, read, read - 1, 1, null, 2, status, seconds);
        var rows = new[]
        {
            Row("sessions#idmap", 10, "done"),
            Row("sessions", 10, "done"),
            Row("events", 0, CopyParts.SplitStatus),
            Row("events#range1/2", 300, "copying", seconds: 4),
            Row("events#range2/2", 200, "done", seconds: 3),
        };

        var view = CopyParts.Rollup(rows);

        Assert.Equal(["sessions", "events"], view.Select(p => p.Entity));
        var events = view[1];
        Assert.Equal((500L, 498L, 2L, 4, "copying", 4.0), (events.Read, events.Written, events.Rejected, events.InFlight, events.Status, events.Seconds));
        Assert.Equal(10L, view[0].Read);
    }

    [Fact]
    public void Rollup_DoneEntityKeepsItsOwnTotals()
    {
        var rows = new[]
        {
            new EntityProgress("r", "events", 500, 500, 500, 0, null, 0, "done", 5),
            new EntityProgress("r", "events#range1/2", 250, 250, 250, 0, null, 0, "done", 5),
            new EntityProgress("r", "events#range2/2", 250, 250, 250, 0, null, 0, "done", 4),
        };

        var view = Assert.Single(CopyParts.Rollup(rows));

        Assert.Equal(500L, view.Read);
        Assert.Equal("done", view.Status);
    }

    [Fact]
    public void RangesOf_LeavesOutRetiredRowsOfAnInterruptedSplit_AndRollupIgnoresThem()
    {
        EntityProgress Row(string name, long read, string status) => new("r", name, 100, read, read, 0, null, 0, status, 1);
        var rows = new[]
        {
            Row("events", 0, CopyParts.SplitStatus),
            Row("events#range1/8", 0, CopyParts.RetiredStatus),
            Row("events#range2/8", 0, CopyParts.RetiredStatus),
            Row("events#range1/2", 40, "copying"),
            Row("events#range2/2", 50, "done"),
        };

        var ranges = CopyParts.RangesOf(rows, "events");
        var view = Assert.Single(CopyParts.Rollup(rows));

        Assert.Equal(["events#range1/2", "events#range2/2"], ranges.Select(r => r.Entity));
        Assert.Equal((90L, "copying"), (view.Read, view.Status));
    }
}

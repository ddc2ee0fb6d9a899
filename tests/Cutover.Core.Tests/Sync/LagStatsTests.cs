using Cutover.Sync;

namespace Cutover.Core.Tests.Sync;

public class LagStatsTests
{
    [Fact]
    public void Quantile_Empty_IsZero()
    {
        Assert.Equal(0, new LagStats().Quantile(0.99));
    }

    [Fact]
    public void Quantile_OneToHundred_MillisecondBuckets()
    {
        var s = new LagStats();
        for (var i = 1; i <= 100; i++)
        {
            s.Add(i - 0.5);
        }

        Assert.Equal(50, s.Quantile(0.50));
        Assert.Equal(99, s.Quantile(0.99));
        Assert.Equal(99.5, s.Quantile(1.0));
        Assert.Equal(100, s.Count);
    }

    [Fact]
    public void Quantile_OneSlowOutlier_ShowsInP99OnlyWhenItIsOneInAHundredOrMore()
    {
        var s = new LagStats();
        for (var i = 0; i < 199; i++)
        {
            s.Add(5);
        }
        s.Add(4321);

        Assert.Equal(6, s.Quantile(0.99));
        s.Add(4321);
        Assert.Equal(4321, s.Quantile(0.995));
        Assert.Equal(4321, s.MaxMs);
    }

    [Fact]
    public void Add_NegativeLag_CountsAsZero()
    {
        // Clocks of two processes can disagree by a hair; a change never lands before it was made.
        var s = new LagStats();
        s.Add(-3);

        Assert.Equal(0, s.Quantile(0.5));
    }
}

namespace Cutover.Routing.Tests;

public sealed class StickyRoutingTests
{
    private static readonly string[] Keys = Enumerable.Range(0, 20_000).Select(i => $"session-{i}").ToArray();

    [Fact]
    public void Fnv1a64_KnownVectors_MatchTheSpecification()
    {
        Assert.Equal(0xcbf29ce484222325UL, StickyRouting.Fnv1a64(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, StickyRouting.Fnv1a64("a"));
        Assert.Equal(0x85944171f73967e8UL, StickyRouting.Fnv1a64("foobar"));
    }

    [Fact]
    public void IsNew_SameKeySamePercent_SameAnswerEveryTime()
    {
        foreach (var key in Keys.Take(500))
        {
            var first = StickyRouting.IsNew(key, 37);
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(first, StickyRouting.IsNew(key, 37));
            }
        }
    }

    [Fact]
    public void IsNew_RaisingThePercent_OnlyMovesKeysOldToNew()
    {
        for (var p = 0; p < 100; p++)
        {
            foreach (var key in Keys.Take(2_000))
            {
                if (StickyRouting.IsNew(key, p))
                {
                    Assert.True(StickyRouting.IsNew(key, p + 1), $"{key} went back to old from {p}% to {p + 1}%");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(90)]
    public void IsNew_ManyKeys_AboutThePercentGoNew(int percent)
    {
        var share = Keys.Count(k => StickyRouting.IsNew(k, percent)) * 100.0 / Keys.Length;
        Assert.InRange(share, percent - 1.0, percent + 1.0);
    }

    [Fact]
    public void IsNew_ZeroAndHundred_AreNoneAndAll()
    {
        Assert.DoesNotContain(Keys, k => StickyRouting.IsNew(k, 0));
        Assert.All(Keys, k => Assert.True(StickyRouting.IsNew(k, 100)));
    }

    [Fact]
    public void Bucket_IsWithinTheRange()
    {
        Assert.All(Keys, k => Assert.InRange(StickyRouting.Bucket(k), 0, StickyRouting.Buckets - 1));
    }

    [Fact]
    public void Fnv1a64_LongAndNonAsciiKeys_HashTheirUtf8Bytes()
    {
        var longKey = new string('é', 2_000);
        Assert.Equal(StickyRouting.Fnv1a64(longKey), StickyRouting.Fnv1a64(new string('é', 2_000)));
        Assert.NotEqual(StickyRouting.Fnv1a64("e"), StickyRouting.Fnv1a64("é"));
    }
}

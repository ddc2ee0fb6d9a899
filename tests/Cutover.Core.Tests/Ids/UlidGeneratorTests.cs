using System.Buffers.Binary;
using System.Collections.Concurrent;
using Cutover.Ids;

namespace Cutover.Core.Tests.Ids;

public class UlidGeneratorTests
{
    private const long T0 = 1469918176385;
    private static readonly UInt128 RandomMask = (UInt128.One << 80) - 1;

    private static UInt128 RandomPart(Ulid u) => BinaryPrimitives.ReadUInt128BigEndian(u.ToByteArray()) & RandomMask;

    private static Action<Span<byte>> Fixed(params byte[] randomness10) => span => randomness10.CopyTo(span);

    [Fact]
    public void Next_SameMillisecond_SecondIsFirstPlusOne()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(T0));
        var gen = new UlidGenerator(clock, Fixed(0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0x11, 0x22));

        var first = gen.Next();
        var second = gen.Next();

        Assert.Equal(T0, first.TimestampMs);
        Assert.Equal(T0, second.TimestampMs);
        Assert.Equal("123456789ABCDEF01122", Convert.ToHexString(first.ToByteArray().AsSpan(6)));
        Assert.Equal(RandomPart(first) + 1, RandomPart(second));
        Assert.True(first < second);
    }

    [Fact]
    public void Next_SameMillisecondWithTrailingFF_CarriesIntoPrecedingByte()
    {
        var gen = new UlidGenerator(randomFill: Fixed(0, 0, 0, 0, 0, 0, 0, 0x0A, 0xFF, 0xFF));

        var first = gen.Next(T0);
        var second = gen.Next(T0);

        Assert.Equal("000000000000000AFFFF", Convert.ToHexString(first.ToByteArray().AsSpan(6)));
        Assert.Equal("000000000000000B0000", Convert.ToHexString(second.ToByteArray().AsSpan(6)));
    }

    [Fact]
    public void Next_SameMillisecondCarryAcrossManyBytes_PropagatesToFirstRandomByte()
    {
        var gen = new UlidGenerator(randomFill: Fixed(0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));

        gen.Next(T0);
        var second = gen.Next(T0);

        Assert.Equal("01000000000000000000", Convert.ToHexString(second.ToByteArray().AsSpan(6)));
        Assert.Equal(T0, second.TimestampMs);
    }

    [Fact]
    public void Next_SameMillisecondAtAllOnesRandomness_ThrowsInvalidOperation()
    {
        var allOnes = Enumerable.Repeat((byte)0xFF, 10).ToArray();
        var gen = new UlidGenerator(randomFill: Fixed(allOnes));

        var first = gen.Next(T0);
        var ex = Assert.Throws<InvalidOperationException>(() => gen.Next(T0));
        Assert.Throws<InvalidOperationException>(() => gen.Next(T0)); // state unchanged, still exhausted
        var later = gen.Next(T0 + 1);

        Assert.Equal(RandomMask, RandomPart(first));
        Assert.Contains("overflow", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(T0.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Equal(T0 + 1, later.TimestampMs);
    }

    [Fact]
    public void Next_ClockMovesBack_UsesFreshRandomnessWithoutIncrement()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(T0));
        var fill = new CountingRandomFill();
        var gen = new UlidGenerator(clock, fill.Fill);

        var first = gen.Next();
        clock.SetUnixMs(T0 - 5);
        var earlier = gen.Next();
        var sameEarlier = gen.Next();

        Assert.Equal(2, fill.Calls);
        Assert.Equal(T0 - 5, earlier.TimestampMs);
        Assert.NotEqual(RandomPart(first) + 1, RandomPart(earlier));
        Assert.NotEqual(RandomPart(first), RandomPart(earlier));
        Assert.Equal(RandomPart(earlier) + 1, RandomPart(sameEarlier)); // monotonic again within that ms
        Assert.True(earlier < first);
    }

    [Fact]
    public void Next_ExplicitTimesOutOfOrder_EachChangeDrawsFreshRandomness()
    {
        var fill = new CountingRandomFill();
        var gen = new UlidGenerator(randomFill: fill.Fill);

        var a = gen.Next(T0 + 10);
        var b = gen.Next(T0);
        var c = gen.Next(T0 + 10);

        Assert.Equal(3, fill.Calls);
        Assert.NotEqual(a, c);
        Assert.Equal(T0, b.TimestampMs);
        Assert.Equal(T0 + 10, c.TimestampMs);
    }

    [Fact]
    public void Next_LaterMillisecond_UsesFreshRandomness()
    {
        var fill = new CountingRandomFill();
        var gen = new UlidGenerator(randomFill: fill.Fill);

        var first = gen.Next(T0);
        var second = gen.Next(T0 + 1);

        Assert.Equal(2, fill.Calls);
        Assert.NotEqual(RandomPart(first) + 1, RandomPart(second));
        Assert.True(first < second);
    }

    [Fact]
    public void Next_TenThousandInSameMillisecond_StringOrderEqualsGenerationOrder()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(T0));
        var fill = new CountingRandomFill();
        var gen = new UlidGenerator(clock, fill.Fill);

        var generated = new List<string>(10_000);
        for (var i = 0; i < 10_000; i++)
        {
            generated.Add(gen.Next().ToString());
        }

        var sorted = generated.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(generated, sorted);
        Assert.Equal(10_000, generated.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1, fill.Calls);
    }

    [Fact]
    public void Next_RandomFill_ReceivesTenByteSpan()
    {
        var lengths = new List<int>();
        var gen = new UlidGenerator(randomFill: span => lengths.Add(span.Length));

        gen.Next(T0);

        Assert.Equal([10], lengths);
    }

    [Fact]
    public void Next_DateTimeOffset_UsesFlooredUnixMilliseconds()
    {
        var gen = new UlidGenerator(randomFill: Fixed(new byte[10]));
        var time = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(12_345); // 1.2345 ms

        var u = gen.Next(time);

        Assert.Equal(time.ToUnixTimeMilliseconds(), u.TimestampMs);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 0, 0, 1, TimeSpan.Zero), u.Time);
    }

    [Fact]
    public void Next_DateTimeOffsetBeforeEpoch_ThrowsArgumentOutOfRange()
    {
        var gen = new UlidGenerator();

        Assert.Throws<ArgumentOutOfRangeException>(() => gen.Next(DateTimeOffset.UnixEpoch.AddTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => gen.Next(new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(0, gen.Next(DateTimeOffset.UnixEpoch).TimestampMs);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(1L << 48)]
    public void Next_TimestampOutOfRange_ThrowsArgumentOutOfRange(long ms)
    {
        var gen = new UlidGenerator();

        Assert.Throws<ArgumentOutOfRangeException>(() => gen.Next(ms));
    }

    [Fact]
    public void Next_MaxTimestamp_Succeeds()
    {
        var gen = new UlidGenerator(randomFill: Fixed(new byte[10]));

        var u = gen.Next(Ulid.MaxTimestampMs);

        Assert.Equal("7ZZZZZZZZZ0000000000000000", u.ToString());
    }

    [Fact]
    public void Next_ClockBeforeEpoch_ThrowsArgumentOutOfRange()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(1960, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var gen = new UlidGenerator(clock);

        Assert.Throws<ArgumentOutOfRangeException>(() => gen.Next());
    }

    [Fact]
    public void Next_DefaultDependencies_UsesSystemClockAndDistinctValues()
    {
        var gen = new UlidGenerator();

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var a = gen.Next();
        var b = gen.Next();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.InRange(a.TimestampMs, before, after);
        Assert.True(a < b);
    }

    [Fact]
    public void Next_ConcurrentCallsInSameMillisecond_AllUniqueAndContiguous()
    {
        var gen = new UlidGenerator(randomFill: Fixed(new byte[10]));
        var results = new ConcurrentBag<Ulid>();

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                results.Add(gen.Next(T0));
            }
        });

        var randomParts = results.Select(RandomPart).Order().ToList();
        Assert.Equal(8_000, randomParts.Count);
        Assert.Equal(Enumerable.Range(0, 8_000).Select(i => (UInt128)i), randomParts);
    }
}

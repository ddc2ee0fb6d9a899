using System.Diagnostics;

namespace Cutover.Bench.DualWrite;

/// <summary>Per-call latencies of one scenario, from <see cref="Stopwatch.GetTimestamp"/>, and their nearest-rank percentiles.</summary>
internal sealed class Latencies(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public int Count => _count;

    public void Add(long ticks) => _ticks[Interlocked.Increment(ref _count) - 1] = ticks;

    /// <summary>Nearest rank: the smallest value with at least <paramref name="p"/> percent of the values at or below it.</summary>
    public double PercentileMs(double p)
    {
        var sorted = _ticks.AsSpan(0, _count).ToArray();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return ToMs(sorted[Math.Clamp(rank, 1, sorted.Length) - 1]);
    }

    public double MeanMs()
    {
        double sum = 0;
        for (var i = 0; i < _count; i++)
        {
            sum += _ticks[i];
        }
        return ToMs(sum / _count);
    }

    /// <summary>
    /// The i-th call of <paramref name="a"/> paired with the i-th of <paramref name="b"/>, the slower of each pair kept: what a
    /// dual write would take if the two writes overlapped perfectly and nothing else cost anything.
    /// </summary>
    public static Latencies PairwiseMax(Latencies a, Latencies b)
    {
        var max = new Latencies(Math.Min(a._count, b._count));
        for (var i = 0; i < max._ticks.Length; i++)
        {
            max.Add(Math.Max(a._ticks[i], b._ticks[i]));
        }
        return max;
    }

    public double MaxMs() => ToMs(_ticks.AsSpan(0, _count).ToArray().Max());

    private static double ToMs(double ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

namespace Cutover.Sync;

/// <summary>
/// Lag of applied changes (from the source recording a change to the target committing it), kept as a histogram in
/// fixed buckets (1 ms below 1 s, 10 ms below 10 s, 100 ms above) so a sync that follows for hours stays small.
/// Quantiles are the upper edge of their bucket.
/// </summary>
public sealed class LagStats
{
    private readonly SortedDictionary<long, long> _buckets = [];

    public long Count { get; private set; }

    public double MaxMs { get; private set; }

    public void Add(double ms)
    {
        ms = Math.Max(0, ms);
        var width = ms < 1000 ? 1L : ms < 10_000 ? 10L : 100L;
        var upper = ((long)Math.Floor(ms / width) + 1) * width;
        _buckets[upper] = _buckets.GetValueOrDefault(upper) + 1;
        Count++;
        MaxMs = Math.Max(MaxMs, ms);
    }

    /// <summary>The lag at quantile <paramref name="q"/> (0..1) in milliseconds, or 0 when nothing was applied.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        foreach (var (upper, n) in _buckets)
        {
            seen += n;
            if (seen >= rank)
            {
                return Math.Min(upper, MaxMs);
            }
        }
        return MaxMs;
    }
}

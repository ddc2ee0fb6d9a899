namespace Cutover.Bench;

/// <summary>
/// SplitMix64: a tiny PRNG whose output depends only on the seed, never on the runtime version
/// (unlike <see cref="Random"/>, whose seeded algorithm is an implementation detail).
/// </summary>
internal sealed class DeterministicRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, bound).</summary>
    public long Next(long bound) => (long)(NextUInt64() % (ulong)bound);

    /// <summary>Uniform double in [0, 1) using all 53 mantissa bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with the given probability.</summary>
    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[(int)Next(items.Count)];
}

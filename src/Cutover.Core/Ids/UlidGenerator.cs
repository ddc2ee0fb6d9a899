using System.Security.Cryptography;

namespace Cutover.Ids;

/// <summary>
/// Generates monotonic ULIDs. Thread-safe.
/// </summary>
/// <remarks>
/// <para>The generator remembers the timestamp and randomness of the ULID it produced last.</para>
/// <list type="bullet">
/// <item>Same millisecond as the last ULID: the 80-bit randomness is incremented by one (carrying across
/// bytes), so ULIDs from one generator within one millisecond sort in generation order. If the randomness
/// is already 2^80 - 1, generation fails with <see cref="InvalidOperationException"/> (as the spec requires)
/// and the state is left unchanged.</item>
/// <item>Any other millisecond, later <em>or earlier</em> (clock moved back, or explicit times out of
/// order): fresh randomness is drawn and no increment happens. That ULID becomes the new "last" one, so
/// further calls in its millisecond are monotonic again.</item>
/// </list>
/// </remarks>
public sealed class UlidGenerator
{
    private readonly TimeProvider _time;
    private readonly Action<Span<byte>> _randomFill;
    private readonly Lock _lock = new();
    private readonly byte[] _lastRandomness = new byte[Ulid.RandomnessLength];
    private long _lastTimestampMs = -1;

    /// <summary>Creates a generator.</summary>
    /// <param name="time">Clock for <see cref="Next()"/>; defaults to <see cref="TimeProvider.System"/>.</param>
    /// <param name="randomFill">
    /// Fills a 10-byte span with randomness; defaults to <see cref="RandomNumberGenerator.Fill"/>.
    /// Called under the generator's lock.
    /// </param>
    public UlidGenerator(TimeProvider? time = null, Action<Span<byte>>? randomFill = null)
    {
        _time = time ?? TimeProvider.System;
        _randomFill = randomFill ?? RandomNumberGenerator.Fill;
    }

    /// <summary>Generates a ULID for the current time of the generator's <see cref="TimeProvider"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The clock reports a time before 1970 (or past 2^48 - 1 ms).</exception>
    /// <exception cref="InvalidOperationException">The randomness overflowed within the same millisecond.</exception>
    public Ulid Next() => Next(_time.GetUtcNow());

    /// <summary>Generates a ULID for an explicit time, e.g. a row's <c>created_at</c>.</summary>
    /// <param name="time">The time; truncated (floored) to whole milliseconds since the Unix epoch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before 1970-01-01T00:00:00Z.</exception>
    /// <exception cref="InvalidOperationException">The randomness overflowed within the same millisecond.</exception>
    public Ulid Next(DateTimeOffset time)
    {
        var ms = time.ToUnixTimeMilliseconds();
        if (ms < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "ULID time must not be before 1970-01-01T00:00:00Z.");
        }

        return Next(ms);
    }

    /// <summary>Generates a ULID for an explicit Unix time in milliseconds.</summary>
    /// <param name="timestampMs">Milliseconds since the Unix epoch, in [0, 2^48 - 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestampMs"/> is outside [0, 2^48 - 1].</exception>
    /// <exception cref="InvalidOperationException">The randomness overflowed within the same millisecond.</exception>
    public Ulid Next(long timestampMs)
    {
        if (timestampMs is < 0 or > Ulid.MaxTimestampMs)
        {
            throw new ArgumentOutOfRangeException(
                nameof(timestampMs), timestampMs, $"ULID timestamp must be in [0, {Ulid.MaxTimestampMs}] milliseconds.");
        }

        lock (_lock)
        {
            if (timestampMs == _lastTimestampMs)
            {
                IncrementLastRandomness(timestampMs);
            }
            else
            {
                _randomFill(_lastRandomness);
                _lastTimestampMs = timestampMs;
            }

            return new Ulid(timestampMs, _lastRandomness);
        }
    }

    private void IncrementLastRandomness(long timestampMs)
    {
        var r = _lastRandomness;
        var i = r.Length - 1;
        while (i >= 0 && r[i] == byte.MaxValue)
        {
            i--;
        }

        if (i < 0)
        {
            throw new InvalidOperationException(
                $"ULID randomness overflow: the 80-bit random part is already at its maximum within millisecond "
                + $"{timestampMs}, so no larger ULID exists for this millisecond; wait for the time to advance.");
        }

        // Only now mutate, so a failed call leaves the state intact.
        r[i]++;
        for (var j = i + 1; j < r.Length; j++)
        {
            r[j] = 0;
        }
    }
}

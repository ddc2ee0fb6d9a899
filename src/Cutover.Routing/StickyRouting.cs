using System.Text;

namespace Cutover.Routing;

/// <summary>
/// Decides, per key, whether a call takes the new path at a percentage, the same way in every process and every run.
/// </summary>
/// <remarks>
/// The key's UTF-8 text is hashed with 64-bit FNV-1a (offset basis 14695981039346656037, prime 1099511628211), and the
/// hash is mapped to a bucket 0..9999 (hash mod 10000). A key goes new when its bucket is below <c>percent × 100</c>.
/// Because the bucket of a key never changes, the same key gets the same answer at the same percentage, and raising the
/// percentage only adds buckets: keys move old → new, never back. <see cref="string.GetHashCode()"/> is not used because
/// it is randomised per process.
/// </remarks>
public static class StickyRouting
{
    /// <summary>How many buckets the keys are spread over; one percent is 100 of them.</summary>
    public const int Buckets = 10_000;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>True when <paramref name="keyText"/> takes the new path at <paramref name="percent"/> (0–100).</summary>
    public static bool IsNew(string keyText, int percent)
    {
        ArgumentNullException.ThrowIfNull(keyText);
        if (percent <= 0)
        {
            return false;
        }
        if (percent >= 100)
        {
            return true;
        }
        return Bucket(keyText) < percent * (Buckets / 100);
    }

    /// <summary>The key's bucket, 0..9999.</summary>
    public static int Bucket(string keyText) => (int)(Fnv1a64(keyText) % Buckets);

    /// <summary>64-bit FNV-1a of the key's UTF-8 bytes.</summary>
    public static ulong Fnv1a64(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[max] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(text, buffer);
            var hash = FnvOffset;
            foreach (var b in buffer[..n])
            {
                hash ^= b;
                hash *= FnvPrime;
            }
            return hash;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}

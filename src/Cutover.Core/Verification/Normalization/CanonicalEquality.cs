using System.Buffers;

namespace Cutover.Verification.Normalization;

/// <summary>Equality as checksums see it: the same bytes from <see cref="CanonicalEncoder"/>.</summary>
internal static class CanonicalEquality
{
    public static bool Equal(object? a, object? b)
    {
        var x = new ArrayBufferWriter<byte>(64);
        var y = new ArrayBufferWriter<byte>(64);
        CanonicalEncoder.EncodeValue(a, x);
        CanonicalEncoder.EncodeValue(b, y);
        return x.WrittenSpan.SequenceEqual(y.WrittenSpan);
    }
}

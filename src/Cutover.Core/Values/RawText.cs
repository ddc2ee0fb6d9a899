namespace Cutover.Values;

/// <summary>
/// A TEXT value whose bytes are not valid UTF-8. Kept as bytes so it can be copied exactly
/// (or refused, per the plan) instead of being silently "repaired" with U+FFFD.
/// </summary>
public sealed class RawText(byte[] bytes) : IEquatable<RawText>
{
    public byte[] Bytes { get; } = bytes;

    public bool Equals(RawText? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => Equals(obj as RawText);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(Bytes);
        return h.ToHashCode();
    }

    public override string ToString() => "0x" + Convert.ToHexString(Bytes) + " (invalid UTF-8 text)";
}

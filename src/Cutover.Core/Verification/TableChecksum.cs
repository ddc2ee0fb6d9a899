using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Cutover.Verification;

/// <summary>
/// An order-independent checksum of a set of rows: SHA-256 of each row's canonical encoding, the first
/// 128 bits added (as two 64-bit lanes, modulo 2^64) across rows. Adding instead of XOR-ing means a row present
/// twice does not cancel out; the count is kept beside it.
/// </summary>
public sealed class TableChecksum
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private ulong _a;
    private ulong _b;

    public long Count { get; private set; }

    /// <summary>32 hex digits; equal sets of rows give equal values whatever their order.</summary>
    public string Hex => $"{_a:x16}{_b:x16}";

    /// <summary>A checksum recorded earlier as its count and <see cref="Hex"/> (a resumed comparison's finished chunks).</summary>
    public static TableChecksum Restore(long count, string hex)
    {
        if (hex.Length != 32)
        {
            throw new FormatException($"a checksum is 32 hex digits, not '{hex}'");
        }
        return new TableChecksum
        {
            _a = ulong.Parse(hex.AsSpan(0, 16), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture),
            _b = ulong.Parse(hex.AsSpan(16, 16), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture),
            Count = count,
        };
    }

    public void Add(IReadOnlyList<object?> row)
    {
        _buffer.ResetWrittenCount();
        CanonicalEncoder.EncodeRow(row, _buffer);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(_buffer.WrittenSpan, hash);
        _a = unchecked(_a + BinaryPrimitives.ReadUInt64BigEndian(hash));
        _b = unchecked(_b + BinaryPrimitives.ReadUInt64BigEndian(hash[8..]));
        Count++;
    }

    /// <summary>Adds another set of rows' checksum to this one: the sum over two disjoint sets is the checksum of their union.</summary>
    public void Add(TableChecksum other)
    {
        _a = unchecked(_a + other._a);
        _b = unchecked(_b + other._b);
        Count += other.Count;
    }
}

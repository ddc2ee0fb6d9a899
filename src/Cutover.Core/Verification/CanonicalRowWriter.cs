using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Cutover.Verification;

/// <summary>
/// Writes one row's canonical encoding (docs/checksums.md, the same bytes <see cref="CanonicalEncoder.EncodeRow"/> gives)
/// straight from a driver's column values, into one buffer reused row after row: no boxed values, no strings. For stores
/// that checksum rows without materializing them (<see cref="Connectors.ISourceStore.ChecksumAsync"/>); hand the row to
/// <see cref="TableChecksum.Add(CanonicalRowWriter)"/> once its values are written.
/// </summary>
public sealed class CanonicalRowWriter : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[1024];
    private int _length;

    /// <summary>The row written since the last <see cref="BeginRow"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>Starts a row of <paramref name="values"/> values, forgetting the previous one.</summary>
    public void BeginRow(int values)
    {
        _length = 0;
        Varint((ulong)values);
    }

    /// <summary>NULL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Null()
    {
        Ensure(1);
        _buffer[_length++] = CanonicalEncoder.NullTag;
    }

    /// <summary>An integer (booleans as 0 and 1).</summary>
    public void Integer(long value) => Fixed(CanonicalEncoder.IntegerTag, (ulong)value);

    /// <summary>A real by its exact bits; every NaN as the one canonical NaN.</summary>
    public void Real(double value) =>
        Fixed(CanonicalEncoder.RealTag, double.IsNaN(value) ? 0x7FF8000000000000UL : (ulong)BitConverter.DoubleToInt64Bits(value));

    /// <summary>TEXT given as its bytes: UTF-8 for valid text, the exact bytes for text that is not valid UTF-8.</summary>
    public void Text(ReadOnlySpan<byte> bytes) => Bytes(CanonicalEncoder.TextTag, bytes);

    /// <summary>A BLOB.</summary>
    public void Blob(ReadOnlySpan<byte> bytes) => Bytes(CanonicalEncoder.BlobTag, bytes);

    /// <summary>A timestamp as PostgreSQL counts it: microseconds since 2000-01-01, infinities as the 64-bit extremes.</summary>
    public void Timestamp(long microseconds) => Fixed(CanonicalEncoder.TimestampTag, (ulong)microseconds);

    /// <summary>A date as PostgreSQL counts it: days since 2000-01-01; the infinities widen to the 64-bit extremes.</summary>
    public void Date(int days) =>
        Fixed(CanonicalEncoder.DateTag, (ulong)(days switch { int.MaxValue => long.MaxValue, int.MinValue => long.MinValue, _ => days }));

    /// <summary>Any value <see cref="CanonicalEncoder.EncodeValue"/> takes (the typed ones: JSON, decimals, ...).</summary>
    public void Value(object? value) => CanonicalEncoder.EncodeValue(value, this);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Fixed(byte tag, ulong bits)
    {
        Ensure(9);
        _buffer[_length] = tag;
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_length + 1, 8), bits);
        _length += 9;
    }

    private void Bytes(byte tag, ReadOnlySpan<byte> bytes)
    {
        Ensure(11 + bytes.Length);
        _buffer[_length++] = tag;
        Varint((ulong)bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>LEB128, as <see cref="CanonicalEncoder.WriteVarint"/>.</summary>
    private void Varint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int more)
    {
        if (_buffer.Length - _length < more)
        {
            Grow(more);
        }
    }

    private void Grow(int more) => Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, checked(_length + more)));

    void IBufferWriter<byte>.Advance(int count) => _length += count;

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_length);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_length);
    }
}

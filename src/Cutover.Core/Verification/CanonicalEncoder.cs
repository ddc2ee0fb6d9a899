using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// The canonical byte form of a row, version 1 (docs/checksums.md). Two rows encode the same iff every value
/// has the same kind and the same content: integers as 8 big-endian bytes, reals by their exact
/// IEEE-754 bits (so a float that lost its last bit differs), text and blobs as their bytes with a length; timestamps and
/// dates as PostgreSQL counts them (microseconds and days since 2000-01-01), JSON and decimals by their canonical text
/// (<see cref="Json"/>, <see cref="DecimalText"/>), so the same value read from SQLite and from PostgreSQL encodes alike.
/// Booleans are the integers 0 and 1.
/// </summary>
public static class CanonicalEncoder
{
    public const byte NullTag = 0;
    public const byte IntegerTag = 1;
    public const byte RealTag = 2;
    public const byte TextTag = 3;
    public const byte BlobTag = 4;
    public const byte TimestampTag = 5;
    public const byte DateTag = 6;
    public const byte JsonTag = 7;
    public const byte NumericTag = 8;

    public static void EncodeRow<TWriter>(IReadOnlyList<object?> row, TWriter w)
        where TWriter : IBufferWriter<byte>
    {
        WriteVarint(w, (ulong)row.Count);
        foreach (var v in row)
        {
            EncodeValue(v, w);
        }
    }

    public static void EncodeValue<TWriter>(object? v, TWriter w)
        where TWriter : IBufferWriter<byte>
    {
        switch (v)
        {
            case null or DBNull:
                w.GetSpan(1)[0] = NullTag;
                w.Advance(1);
                break;
            case long l:
                WriteFixed(w, IntegerTag, (ulong)l);
                break;
            case int i:
                WriteFixed(w, IntegerTag, (ulong)(long)i);
                break;
            case double d:
                // All NaNs are one NaN; everything else keeps its exact bits (-0.0 included).
                WriteFixed(w, RealTag, double.IsNaN(d) ? 0x7FF8000000000000UL : (ulong)BitConverter.DoubleToInt64Bits(d));
                break;
            case string s:
                var n = Encoding.UTF8.GetByteCount(s);
                WriteHeader(w, TextTag, n);
                Encoding.UTF8.GetBytes(s, w.GetSpan(n));
                w.Advance(n);
                break;
            case RawText t:
                WriteHeader(w, TextTag, t.Bytes.Length);
                w.Write<byte>(t.Bytes);
                break;
            case byte[] b:
                WriteHeader(w, BlobTag, b.Length);
                w.Write<byte>(b);
                break;
            case Timestamp t:
                WriteFixed(w, TimestampTag, (ulong)t.Microseconds);
                break;
            case Date d:
                // Infinities widen to the 64-bit extremes, as for timestamps.
                WriteFixed(w, DateTag, (ulong)(d.Days switch { int.MaxValue => long.MaxValue, int.MinValue => long.MinValue, var days => days }));
                break;
            case Json j:
                WriteUtf8(w, JsonTag, j.Canonical);
                break;
            case Numeric num:
                WriteUtf8(w, NumericTag, num.Canonical);
                break;
            default:
                throw new ArgumentException($"no canonical encoding for {v.GetType().Name}");
        }
    }

    /// <summary>One value's canonical bytes.</summary>
    public static byte[] Encode(object? v)
    {
        var w = new ArrayBufferWriter<byte>(16);
        EncodeValue(v, w);
        return w.WrittenSpan.ToArray();
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _left;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _right;

    /// <summary>True when two values encode to the same bytes: the same kind and the same content (what the checksum compares).</summary>
    public static bool Same(object? a, object? b)
    {
        var l = _left ??= new ArrayBufferWriter<byte>(64);
        var r = _right ??= new ArrayBufferWriter<byte>(64);
        l.ResetWrittenCount();
        r.ResetWrittenCount();
        EncodeValue(a, l);
        EncodeValue(b, r);
        return l.WrittenSpan.SequenceEqual(r.WrittenSpan);
    }

    private static void WriteUtf8<TWriter>(TWriter w, byte tag, string s)
        where TWriter : IBufferWriter<byte>
    {
        var n = Encoding.UTF8.GetByteCount(s);
        WriteHeader(w, tag, n);
        Encoding.UTF8.GetBytes(s, w.GetSpan(n));
        w.Advance(n);
    }

    private static void WriteFixed<TWriter>(TWriter w, byte tag, ulong bits)
        where TWriter : IBufferWriter<byte>
    {
        var span = w.GetSpan(9);
        span[0] = tag;
        BinaryPrimitives.WriteUInt64BigEndian(span[1..], bits);
        w.Advance(9);
    }

    private static void WriteHeader<TWriter>(TWriter w, byte tag, int length)
        where TWriter : IBufferWriter<byte>
    {
        w.GetSpan(1)[0] = tag;
        w.Advance(1);
        WriteVarint(w, (ulong)length);
    }

    /// <summary>LEB128 unsigned varint.</summary>
    public static void WriteVarint<TWriter>(TWriter w, ulong value)
        where TWriter : IBufferWriter<byte>
    {
        var span = w.GetSpan(10);
        var i = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            span[i++] = value != 0 ? (byte)(b | 0x80) : b;
        }
        while (value != 0);
        w.Advance(i);
    }
}

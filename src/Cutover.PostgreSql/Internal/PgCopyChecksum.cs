using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.PostgreSql.Internal;

/// <summary>
/// Sums the rows of a <c>COPY ... TO STDOUT (FORMAT binary)</c> stream: the format is parsed here (signature, flags, header
/// extension; then per tuple a 16-bit field count and per field a 32-bit length, -1 for NULL, and the value in the type's
/// binary form; -1 as the field count ends it), and each value written in canonical form straight from those bytes.
/// </summary>
internal static class PgCopyChecksum
{
    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    /// <summary>The copy holds a value the slow path would read another way (text that is not UTF-8); start over through it.</summary>
    internal sealed class FallBackException(string reason) : Exception(reason);

    /// <summary>
    /// Sums the rows of a binary COPY. The stream is read synchronously: PostgreSQL sends a message per row, and an async read
    /// per row costs more than parsing the row (the caller runs it on a job's own thread).
    /// </summary>
    public static Task<TableChecksum> SumAsync(Stream copy, PgCopyField[] fields, CancellationToken ct)
    {
        try
        {
            return Task.FromResult(Sum(copy, fields, ct));
        }
        catch (Exception ex)
        {
            return Task.FromException<TableChecksum>(ex);
        }
    }

    private static TableChecksum Sum(Stream copy, PgCopyField[] fields, CancellationToken ct)
    {
        var buffer = new byte[256 * 1024];
        int start = 0, end = 0;
        var header = true;
        var sum = new TableChecksum();
        var writer = new CanonicalRowWriter();
        while (true)
        {
            if (header && Header(buffer.AsSpan(start, end - start)) is > 0 and var length)
            {
                header = false;
                start += length;
            }
            if (!header)
            {
                start += Tuples(buffer.AsSpan(start, end - start), fields, writer, sum);
                if (Ended(buffer.AsSpan(start, end - start)))
                {
                    return sum;
                }
            }
            // Keep the unfinished tuple at the front, grow the buffer when one tuple does not fit, and read more.
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            // Reads served from the driver's buffer do not look at the token, so look here.
            ct.ThrowIfCancellationRequested();
            var read = copy.Read(buffer.AsSpan(end));
            if (read == 0)
            {
                throw new InvalidDataException("the COPY data ended before its trailer");
            }
            end += read;
        }
    }

    /// <summary>Whether <paramref name="data"/> starts with the trailer (a field count of -1).</summary>
    private static bool Ended(ReadOnlySpan<byte> data) => data.Length >= 2 && BinaryPrimitives.ReadInt16BigEndian(data) == -1;

    /// <summary>The header's length once all of it is in <paramref name="data"/>, else 0.</summary>
    private static int Header(ReadOnlySpan<byte> data)
    {
        const int Fixed = 11 + 4 + 4;
        if (data.Length < Fixed)
        {
            return 0;
        }
        if (!data[..11].SequenceEqual(Signature))
        {
            throw new InvalidDataException("not a binary COPY stream (no PGCOPY signature)");
        }
        var extension = BinaryPrimitives.ReadInt32BigEndian(data[15..]);
        return data.Length >= Fixed + extension ? Fixed + extension : 0;
    }

    /// <summary>Sums every whole tuple in <paramref name="data"/>; returns the bytes they take (the trailer not included).</summary>
    private static int Tuples(ReadOnlySpan<byte> data, PgCopyField[] fields, CanonicalRowWriter w, TableChecksum sum)
    {
        var pos = 0;
        while (data.Length - pos >= 2)
        {
            var count = BinaryPrimitives.ReadInt16BigEndian(data[pos..]);
            if (count == -1)
            {
                return pos;
            }
            if (count != fields.Length)
            {
                throw new InvalidDataException($"a COPY tuple has {count} fields, {fields.Length} were selected");
            }
            var p = pos + 2;
            w.BeginRow(count);
            for (var i = 0; i < count; i++)
            {
                if (data.Length - p < 4)
                {
                    return pos;
                }
                var length = BinaryPrimitives.ReadInt32BigEndian(data[p..]);
                p += 4;
                if (length < 0)
                {
                    w.Null();
                    continue;
                }
                if (data.Length - p < length)
                {
                    return pos;
                }
                Write(w, fields[i], data.Slice(p, length));
                p += length;
            }
            sum.Add(w);
            pos = p;
        }
        return pos;
    }

    /// <summary>One non-NULL value, as <see cref="PgValues.Readers"/> would read it, in canonical form.</summary>
    private static void Write(CanonicalRowWriter w, PgCopyField field, ReadOnlySpan<byte> v)
    {
        switch (field)
        {
            case PgCopyField.Int2:
                w.Integer(BinaryPrimitives.ReadInt16BigEndian(Exactly(v, 2)));
                break;
            case PgCopyField.Int4:
                w.Integer(BinaryPrimitives.ReadInt32BigEndian(Exactly(v, 4)));
                break;
            case PgCopyField.Int8:
                w.Integer(BinaryPrimitives.ReadInt64BigEndian(Exactly(v, 8)));
                break;
            case PgCopyField.Float4:
                // A real is read widened to a double, exactly.
                w.Real(BinaryPrimitives.ReadSingleBigEndian(Exactly(v, 4)));
                break;
            case PgCopyField.Float8:
                w.Real(BinaryPrimitives.ReadDoubleBigEndian(Exactly(v, 8)));
                break;
            case PgCopyField.Bool:
                w.Integer(Exactly(v, 1)[0] != 0 ? 1 : 0);
                break;
            case PgCopyField.Text:
                // A string read from these bytes encodes back to them, when they are UTF-8 (the server's client_encoding).
                if (!Utf8.IsValid(v))
                {
                    throw new FallBackException("text that is not valid UTF-8");
                }
                w.Text(v);
                break;
            case PgCopyField.Bytea:
                w.Blob(v);
                break;
            case PgCopyField.TimestampTz:
                // Microseconds since 2000-01-01, infinities as the 64-bit extremes: what Timestamp holds.
                w.Timestamp(BinaryPrimitives.ReadInt64BigEndian(Exactly(v, 8)));
                break;
            case PgCopyField.Date:
                w.Date(BinaryPrimitives.ReadInt32BigEndian(Exactly(v, 4)));
                break;
            case PgCopyField.Jsonb:
                // Binary jsonb is a version byte (1) and the JSON text.
                if (v.Length == 0 || v[0] != 1)
                {
                    throw new FallBackException("jsonb in a binary format other than version 1");
                }
                w.Value(Json.Parse(Decode(v[1..])));
                break;
            case PgCopyField.NumericText:
                w.Value(Numeric.Parse(Decode(v)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, null);
        }
    }

    private static string Decode(ReadOnlySpan<byte> utf8) =>
        Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : throw new FallBackException("text that is not valid UTF-8");

    private static ReadOnlySpan<byte> Exactly(ReadOnlySpan<byte> v, int length) =>
        v.Length == length ? v : throw new InvalidDataException($"a {length}-byte COPY value is {v.Length} bytes");
}

using System.Buffers.Binary;
using System.Text;
using Cutover.PostgreSql.Internal;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.PostgreSql.Tests;

/// <summary>The binary COPY parser on streams built here: every field kind, reads of any size, and what it refuses.</summary>
public class PgCopyChecksumTests
{
    private sealed class Copy
    {
        private readonly MemoryStream _s = new();

        public Copy(int extension = 0)
        {
            _s.Write([(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0]);
            Int32(0);
            Int32(extension);
            _s.Write(new byte[extension]);
        }

        public Copy Tuple(params byte[]?[] fields)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteInt16BigEndian(b, (short)fields.Length);
            _s.Write(b);
            foreach (var f in fields)
            {
                Int32(f?.Length ?? -1);
                if (f is not null)
                {
                    _s.Write(f);
                }
            }
            return this;
        }

        public byte[] End()
        {
            _s.Write([0xFF, 0xFF]);
            return _s.ToArray();
        }

        private void Int32(int v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, v);
            _s.Write(b);
        }
    }

    /// <summary>Hands out at most <paramref name="chunk"/> bytes per read, as a network does.</summary>
    private sealed class Trickle(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], ct);
    }

    private static byte[] Be(long v, int size)
    {
        var b = new byte[size];
        switch (size)
        {
            case 2: BinaryPrimitives.WriteInt16BigEndian(b, (short)v); break;
            case 4: BinaryPrimitives.WriteInt32BigEndian(b, (int)v); break;
            default: BinaryPrimitives.WriteInt64BigEndian(b, v); break;
        }
        return b;
    }

    private static byte[] F4(float f)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteSingleBigEndian(b, f);
        return b;
    }

    private static byte[] F8(double d)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, d);
        return b;
    }

    private static readonly PgCopyField[] Fields =
    [
        PgCopyField.Int2, PgCopyField.Int4, PgCopyField.Int8, PgCopyField.Float4, PgCopyField.Float8, PgCopyField.Bool, PgCopyField.Text,
        PgCopyField.Bytea, PgCopyField.TimestampTz, PgCopyField.Date, PgCopyField.Jsonb, PgCopyField.NumericText,
    ];

    private static (byte[] Copy, TableChecksum Expected) EveryKind(int extension = 0)
    {
        var big = new string('é', 70_000);
        var copy = new Copy(extension)
            .Tuple(Be(-2, 2), Be(int.MinValue, 4), Be(long.MaxValue, 8), F4(1.1f), F8(-0.0), [1], Encoding.UTF8.GetBytes("héllo"), [0, 0xFF],
                Be(long.MinValue, 8), Be(int.MaxValue, 4), [1, .. Encoding.UTF8.GetBytes("{\"b\": 1, \"a\": [1.50]}")], Encoding.UTF8.GetBytes("12.50"))
            .Tuple(null, null, null, null, null, null, null, null, null, null, null, null)
            .Tuple(Be(0, 2), Be(0, 4), Be(0, 8), F4(float.NaN), F8(double.NaN), [0], Encoding.UTF8.GetBytes(big), new byte[100_000],
                Be(0, 8), Be(-11000, 4), [1, .. "7"u8], Encoding.UTF8.GetBytes("NaN"))
            .End();
        var expected = new TableChecksum();
        expected.Add([-2L, (long)int.MinValue, long.MaxValue, (double)1.1f, -0.0, 1L, "héllo", new byte[] { 0, 0xFF },
            Timestamp.MinusInfinity, Date.Infinity, Json.Parse("{\"a\":[1.5],\"b\":1}"), Numeric.Parse("12.5")]);
        expected.Add(new object?[12]);
        expected.Add([0L, 0L, 0L, double.NaN, double.NaN, 0L, big, new byte[100_000], new Timestamp(0), new Date(-11000), Json.Parse("7"), Numeric.Parse("NaN")]);
        return (copy, expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public async Task SumAsync_EveryKindInReadsOfAnySize_SameAsTheValues(int chunk)
    {
        var (copy, expected) = EveryKind();

        var sum = await PgCopyChecksum.SumAsync(new Trickle(copy, chunk), Fields, CancellationToken.None);

        Assert.Equal(3, sum.Count);
        Assert.Equal(expected.Hex, sum.Hex);
    }

    [Fact]
    public async Task SumAsync_HeaderExtension_Skipped()
    {
        var (copy, expected) = EveryKind(extension: 9);

        Assert.Equal(expected.Hex, (await PgCopyChecksum.SumAsync(new Trickle(copy, 5), Fields, CancellationToken.None)).Hex);
    }

    [Fact]
    public async Task SumAsync_TextThatIsNotUtf8_AsksForTheSlowPath()
    {
        var copy = new Copy().Tuple([0x68, 0xC3]).End();

        await Assert.ThrowsAsync<PgCopyChecksum.FallBackException>(() => PgCopyChecksum.SumAsync(new MemoryStream(copy), [PgCopyField.Text], CancellationToken.None));
    }

    [Fact]
    public async Task SumAsync_TruncatedOrMalformed_Refused()
    {
        var whole = new Copy().Tuple(Be(1, 8)).End();

        await Assert.ThrowsAsync<InvalidDataException>(() => PgCopyChecksum.SumAsync(new MemoryStream(whole[..^2]), [PgCopyField.Int8], CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => PgCopyChecksum.SumAsync(new MemoryStream(whole), [PgCopyField.Int4], CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => PgCopyChecksum.SumAsync(new MemoryStream(whole), [PgCopyField.Int8, PgCopyField.Int8], CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => PgCopyChecksum.SumAsync(new MemoryStream([.. "NOTCOPY\n\r\n\0\0\0\0\0\0\0\0\0"u8]), [PgCopyField.Int8], CancellationToken.None));
    }
}

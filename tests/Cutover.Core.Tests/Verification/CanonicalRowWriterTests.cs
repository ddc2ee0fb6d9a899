using System.Buffers;
using System.Text;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.Core.Tests.Verification;

/// <summary>The writer stores use to checksum rows without boxing them writes the same bytes as <see cref="CanonicalEncoder"/>.</summary>
public class CanonicalRowWriterTests
{
    private static byte[] Encoded(params object?[] row)
    {
        var w = new ArrayBufferWriter<byte>();
        CanonicalEncoder.EncodeRow(row, w);
        return w.WrittenSpan.ToArray();
    }

    private static byte[] Written(int count, Action<CanonicalRowWriter> write)
    {
        var w = new CanonicalRowWriter();
        w.BeginRow(count);
        write(w);
        return w.Written.ToArray();
    }

    public static TheoryData<int> TextLengths => [0, 1, 127, 128, 200, 16383, 16384, 70000];

    [Theory]
    [MemberData(nameof(TextLengths))]
    public void Text_AnyLength_SameBytesAsEncoder(int length)
    {
        var s = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + (i % 26))));

        Assert.Equal(Encoded(s), Written(1, w => w.Text(Encoding.UTF8.GetBytes(s))));
        Assert.Equal(Encoded(Encoding.UTF8.GetBytes(s)), Written(1, w => w.Blob(Encoding.UTF8.GetBytes(s))));
    }

    [Fact]
    public void EveryKind_SameBytesAsEncoder()
    {
        _ = Timestamp.TryParseIso("2024-05-01T12:00:00Z", out var at, out _);
        object?[] row =
        [
            null, 0L, -1L, long.MinValue, long.MaxValue, 0.0, -0.0, double.NaN, BitConverter.Int64BitsToDouble(0x7FF8000000000001), 1.5,
            "héllo", new RawText([0xFF, 0x41]), Array.Empty<byte>(), new byte[] { 0, 0xFF },
            at, Timestamp.Infinity, Timestamp.MinusInfinity, new Date(-11000), Date.Infinity, Date.MinusInfinity,
            Json.Parse("{\"b\": 1, \"a\": [1.50, \"é\"]}"), Numeric.Parse("12.50"), Numeric.Parse("NaN"),
        ];

        var written = Written(row.Length, w =>
        {
            w.Null();
            w.Integer(0);
            w.Integer(-1);
            w.Integer(long.MinValue);
            w.Integer(long.MaxValue);
            w.Real(0.0);
            w.Real(-0.0);
            w.Real(double.NaN);
            w.Real(BitConverter.Int64BitsToDouble(0x7FF8000000000001));
            w.Real(1.5);
            w.Text(Encoding.UTF8.GetBytes("héllo"));
            w.Text([0xFF, 0x41]);
            w.Blob([]);
            w.Blob([0, 0xFF]);
            w.Timestamp(at.Microseconds);
            w.Timestamp(long.MaxValue);
            w.Timestamp(long.MinValue);
            w.Date(-11000);
            w.Date(int.MaxValue);
            w.Date(int.MinValue);
            w.Value(row[20]);
            w.Value(row[21]);
            w.Value(row[22]);
        });

        Assert.Equal(Encoded(row), written);
    }

    [Fact]
    public void BeginRow_SecondRow_ForgetsTheFirst()
    {
        var w = new CanonicalRowWriter();
        w.BeginRow(1);
        w.Text(new byte[5000]);
        w.BeginRow(200);
        w.Integer(7);

        Assert.Equal([0xC8, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 7], w.Written.ToArray());
    }

    [Fact]
    public void TableChecksum_AddWriter_SameAsAddRow()
    {
        var rows = new TableChecksum();
        var written = new TableChecksum();
        var w = new CanonicalRowWriter();
        foreach (var i in Enumerable.Range(0, 50))
        {
            rows.Add([(long)i, "row " + i, i % 3 == 0 ? null : i * 0.5]);
            w.BeginRow(3);
            w.Integer(i);
            w.Text(Encoding.UTF8.GetBytes("row " + i));
            if (i % 3 == 0)
            {
                w.Null();
            }
            else
            {
                w.Real(i * 0.5);
            }
            written.Add(w);
        }

        Assert.Equal(rows.Hex, written.Hex);
        Assert.Equal(50, written.Count);
    }
}

using System.Buffers;
using Cutover.Connectors;

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
        AddEncoded(_buffer.WrittenSpan);
    }

    /// <summary>Adds the row <paramref name="row"/> holds.</summary>
    public void Add(CanonicalRowWriter row) => AddEncoded(row.Written);

    /// <summary>Adds one row given as its canonical encoding (docs/checksums.md).</summary>
    public void AddEncoded(ReadOnlySpan<byte> encodedRow)
    {
        RowHash.Lanes(encodedRow, out var a, out var b);
        _a = unchecked(_a + a);
        _b = unchecked(_b + b);
        Count++;
    }

    /// <summary>Adds another set of rows' checksum to this one: the sum over two disjoint sets is the checksum of their union.</summary>
    public void Add(TableChecksum other)
    {
        _a = unchecked(_a + other._a);
        _b = unchecked(_b + other._b);
        Count += other.Count;
    }

    /// <summary>The checksum of every row of <paramref name="rows"/>.</summary>
    public static async Task<TableChecksum> OfRowsAsync(IAsyncEnumerable<object?[]> rows, CancellationToken ct)
    {
        var sum = new TableChecksum();
        await foreach (var row in rows.WithCancellation(ct).ConfigureAwait(false))
        {
            sum.Add(row);
        }
        return sum;
    }

    /// <summary>Refuses a request for a list of keys: <see cref="ISourceStore.ChecksumAsync"/> takes ranges only.</summary>
    public static void ThrowIfKeys(ReadRequest request)
    {
        if (request.Keys is not null)
        {
            throw new ArgumentException("a checksum covers a key range (After, Until), not a list of keys", nameof(request));
        }
    }
}

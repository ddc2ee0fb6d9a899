using System.Text;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// Orders key tuples for reports, the way SQLite orders values: NULL, then numbers (integers and reals by value), then text
/// (by UTF-8 bytes), then blobs and other kinds (by their canonical encoding); tuples column by column.
/// </summary>
public sealed class KeyOrder : IComparer<object?[]>
{
    public static readonly KeyOrder Instance = new();

    public int Compare(object?[]? x, object?[]? y)
    {
        if (x is null || y is null)
        {
            return (x is null ? 0 : 1) - (y is null ? 0 : 1);
        }
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var c = CompareValue(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return x.Length.CompareTo(y.Length);
    }

    private static int Rank(object? v) => v switch
    {
        null or DBNull => 0,
        long or int or double => 1,
        string or RawText => 2,
        _ => 3,
    };

    public static int CompareValue(object? a, object? b)
    {
        var (ra, rb) = (Rank(a), Rank(b));
        if (ra != rb)
        {
            return ra.CompareTo(rb);
        }
        return (a, b) switch
        {
            (null or DBNull, _) => 0,
            (long la, long lb) => la.CompareTo(lb),
            (int or long or double, int or long or double) => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture)
                .CompareTo(Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture)),
            _ => Bytes(a).AsSpan().SequenceCompareTo(Bytes(b)),
        };
    }

    private static byte[] Bytes(object? v) => v switch
    {
        string s => Encoding.UTF8.GetBytes(s),
        RawText t => t.Bytes,
        _ => CanonicalEncoder.Encode(v),
    };
}

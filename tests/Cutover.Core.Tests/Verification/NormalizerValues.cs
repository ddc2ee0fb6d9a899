using System.Globalization;
using System.Text;
using Cutover.Values;

namespace Cutover.Core.Tests.Verification;

/// <summary>
/// Random values for the normalizer property tests: every kind a row holds, with plenty of near misses (the same instant in
/// another zone or a microsecond later, a double a few bits or a fraction of the tolerance away, JSON reformatted or with
/// one value changed, text with other case or spaces), so that pairs which normalize alike are common.
/// </summary>
internal sealed class NormalizerValues(int seed)
{
    private static readonly string[] Words = ["A", "a", "active", "ACTIVE", "1", "B", "Bravo", "bravo ", "x", "", " ", "é", "É", "ß", "ǅ"];
    private static readonly string[] Keys = ["a", "b", "B", "é", "k1"];

    private readonly Random _r = new(seed);

    public object? Any() => _r.Next(9) switch
    {
        0 => Scalar(),
        1 or 2 => Instant(),
        3 or 4 => Double(),
        5 => JsonValue(),
        6 => Text(),
        7 => Words[_r.Next(Words.Length)],
        _ => _r.Next(3) == 0 ? 1L : (long)_r.Next(-3, 4),
    };

    /// <summary>A value that differs from <paramref name="v"/> in a way some rule may or may not cover; sometimes a fresh value.</summary>
    public object? Near(object? v) => _r.Next(6) == 0 ? Any() : v switch
    {
        Timestamp t when t.IsFinite => _r.Next(2) == 0 ? new Timestamp(t.Microseconds + _r.Next(-1500, 1500)) : TimestampText(t),
        string s when s.Length > 0 && (s[0] is '{' or '[') => Reformat(s),
        string s => Respell(s),
        Json j => _r.Next(2) == 0 ? Reformat(j.Text) : j.Text,
        double d => NearDouble(d),
        long l => _r.Next(3) switch { 0 => l.ToString(CultureInfo.InvariantCulture), 1 => (double)l, _ => l },
        _ => v,
    };

    /// <summary>Doubles around the grid lines of the tolerances tested, of every magnitude, and the special values.</summary>
    public double Double()
    {
        switch (_r.Next(7))
        {
            case 0:
                return new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.MaxValue, -double.MaxValue, double.Epsilon }[_r.Next(8)];
            case 1:
                return (_r.NextDouble() - 0.5) * Math.Pow(10, _r.Next(-30, 300));
            case 2:
                return BitConverter.Int64BitsToDouble(_r.NextInt64()) is var bits && double.IsFinite(bits) ? bits : 1.0;
            default:
                // A multiple of a power of two near one of the tolerances' grids, nudged by a few bits.
                var step = Math.ScaleB(1.0, _r.Next(-35, 3));
                var x = _r.Next(-100_000, 100_000) * step;
                for (var i = _r.Next(-3, 4); i != 0; i -= Math.Sign(i))
                {
                    x = i > 0 ? Math.BitIncrement(x) : Math.BitDecrement(x);
                }
                return x;
        }
    }

    private double NearDouble(double d) => _r.Next(4) switch
    {
        0 => Math.BitIncrement(d),
        1 => Math.BitDecrement(d),
        2 => d + ((_r.NextDouble() - 0.5) * Math.Pow(10, _r.Next(-12, 1))),
        _ => d,
    };

    public Timestamp Instant()
    {
        if (_r.Next(20) == 0)
        {
            return _r.Next(2) == 0 ? Timestamp.Infinity : Timestamp.MinusInfinity;
        }
        // About 30 years either side of 2000, on a round millisecond or second now and then.
        var us = _r.NextInt64(-1_000_000_000_000_000L, 1_000_000_000_000_000L);
        return new Timestamp(_r.Next(3) switch { 0 => us - (us % 1000), 1 => us - (us % 1_000_000), _ => us });
    }

    /// <summary><paramref name="t"/> as ISO or SQL text, in a random zone (or none: then it reads in the rule's zone, or not).</summary>
    public string TimestampText(Timestamp t)
    {
        var offset = new[] { 0, 120, -330, 345, -720 }[_r.Next(5)];
        var local = new Timestamp(t.Microseconds + (offset * 60_000_000L)).ToString(); // 2024-05-01T12:34:56.789012Z
        var digits = _r.Next(8);
        var text = local[..19] + (digits == 0 ? "" : "." + local.Substring(20, Math.Min(digits, 6)) + (digits > 6 ? "000" : ""));
        if (_r.Next(2) == 0)
        {
            text = text.Replace('T', ' ');
        }
        var sign = offset < 0 ? '-' : '+';
        var hm = $"{Math.Abs(offset) / 60:D2}:{Math.Abs(offset) % 60:D2}";
        return text + _r.Next(5) switch
        {
            0 => offset == 0 ? "Z" : sign + hm,
            1 => sign + hm.Replace(":", "", StringComparison.Ordinal),
            2 => offset % 60 == 0 ? sign + hm[..2] : sign + hm,
            3 => _r.Next(2) == 0 ? "  " : " " + sign + hm,
            _ => "",
        };
    }

    public object JsonValue()
    {
        var text = JsonText(2);
        return _r.Next(3) == 0 ? Json.Parse(text) : text;
    }

    private string JsonText(int depth) => (depth == 0 ? _r.Next(4) : _r.Next(6)) switch
    {
        0 => Number(_r.Next(-2, 3)),
        1 => "\"" + Words[_r.Next(Words.Length)] + "\"",
        2 => new[] { "true", "false", "null" }[_r.Next(3)],
        3 => "\"x\"",
        4 => "[" + string.Join(",", Enumerable.Range(0, _r.Next(3)).Select(_ => JsonText(depth - 1))) + "]",
        _ => "{" + string.Join(",", Keys.OrderBy(_ => _r.Next()).Take(_r.Next(4)).Select(k => $"\"{k}\":{JsonText(depth - 1)}")) + "}",
    };

    private string Number(int n) => _r.Next(4) switch
    {
        0 => n.ToString(CultureInfo.InvariantCulture),
        1 => n.ToString(CultureInfo.InvariantCulture) + ".0",
        2 => n.ToString(CultureInfo.InvariantCulture) + "e0",
        _ => (n * 10).ToString(CultureInfo.InvariantCulture) + "E-1",
    };

    /// <summary>JSON text with its object keys in another order, other whitespace, or one value changed; or not JSON at all.</summary>
    private string Reformat(string text)
    {
        if (!Json.TryParse(text, out var json, out _))
        {
            return text + " ";
        }
        return _r.Next(4) switch
        {
            0 => " " + json!.Canonical.Replace(",", " , ", StringComparison.Ordinal) + "  ",
            1 => json!.Canonical.Replace("1", "2", StringComparison.Ordinal),
            2 => json!.Canonical.Replace("{", "{ ", StringComparison.Ordinal).Replace(":", ": ", StringComparison.Ordinal),
            _ => json!.Canonical.Length > 2 ? json.Canonical[..^1] : "{a:1}",
        };
    }

    public string Text()
    {
        const string alphabet = "aAbBzZé É\t1ǅß";
        var sb = new StringBuilder();
        for (var i = _r.Next(6); i > 0; i--)
        {
            sb.Append(alphabet[_r.Next(alphabet.Length)]);
        }
        return sb.ToString();
    }

    private string Respell(string s) => _r.Next(7) switch
    {
        0 => s.ToUpperInvariant(),
        1 => s.ToLowerInvariant(),
        2 => s + new string(' ', _r.Next(1, 3)),
        3 => " " + s,
        4 => s + "\t",
        5 => s.TrimEnd(' '),
        _ => s.Length > 0 ? s[..^1] : "a",
    };

    private object? Scalar() => _r.Next(8) switch
    {
        0 => null,
        1 => new byte[] { (byte)_r.Next(3) },
        2 => new RawText([0x61, 0xFF, .. Enumerable.Repeat((byte)0x20, _r.Next(2))]),
        3 => new Date(_r.Next(-20, 20)),
        4 => Numeric.Parse(_r.Next(3).ToString(CultureInfo.InvariantCulture)),
        5 => 1.0,
        6 => "1",
        _ => 1L,
    };
}

using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Cutover.Ids;

/// <summary>
/// A ULID (https://github.com/ulid/spec): 128 bits made of a 48-bit big-endian Unix time in
/// milliseconds followed by 80 bits of randomness. The canonical text form is 26 characters of
/// Crockford base32 (<c>0123456789ABCDEFGHJKMNPQRSTVWXYZ</c>), upper case.
/// </summary>
/// <remarks>
/// <para>Ordering compares the 16 bytes lexicographically (unsigned), which is the same order as
/// comparing the canonical strings ordinally.</para>
/// <para>Parsing is case-insensitive and strict: only the 32 alphabet characters (in either case) are
/// accepted. Crockford's lenient aliases (<c>I</c>/<c>L</c> for 1, <c>O</c> for 0) and hyphens are
/// rejected as invalid characters, as is <c>U</c>, so every accepted string has exactly one value and
/// re-encodes to itself modulo case.</para>
/// </remarks>
public readonly struct Ulid : IEquatable<Ulid>, IComparable<Ulid>
{
    /// <summary>Number of characters in the canonical text form.</summary>
    public const int StringLength = 26;

    /// <summary>Number of bytes in the binary form.</summary>
    public const int ByteLength = 16;

    /// <summary>Number of randomness bytes (80 bits).</summary>
    public const int RandomnessLength = 10;

    /// <summary>Largest representable timestamp: 2^48 - 1 milliseconds since the Unix epoch.</summary>
    public const long MaxTimestampMs = (1L << 48) - 1;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>The all-zero ULID, <c>00000000000000000000000000</c>.</summary>
    public static readonly Ulid MinValue = new(0UL, 0UL);

    /// <summary>The all-ones ULID, <c>7ZZZZZZZZZZZZZZZZZZZZZZZZZ</c>.</summary>
    public static readonly Ulid MaxValue = new(ulong.MaxValue, ulong.MaxValue);

    // Bytes 0..7 and 8..15, each read big-endian, so (_hi, _lo) compares like the byte array.
    private readonly ulong _hi;
    private readonly ulong _lo;

    private Ulid(ulong hi, ulong lo)
    {
        _hi = hi;
        _lo = lo;
    }

    /// <summary>Creates a ULID from a timestamp and 10 bytes of randomness.</summary>
    /// <param name="timestampMs">Milliseconds since the Unix epoch, in [0, 2^48 - 1].</param>
    /// <param name="randomness10">Exactly 10 bytes; the first byte is the most significant.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestampMs"/> is outside [0, 2^48 - 1].</exception>
    /// <exception cref="ArgumentException"><paramref name="randomness10"/> is not exactly 10 bytes long.</exception>
    public Ulid(long timestampMs, ReadOnlySpan<byte> randomness10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMs);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timestampMs, MaxTimestampMs);
        if (randomness10.Length != RandomnessLength)
        {
            throw new ArgumentException(
                $"ULID randomness must be exactly {RandomnessLength} bytes, got {randomness10.Length}.",
                nameof(randomness10));
        }

        _hi = ((ulong)timestampMs << 16) | ((ulong)randomness10[0] << 8) | randomness10[1];
        _lo = BinaryPrimitives.ReadUInt64BigEndian(randomness10[2..]);
    }

    /// <summary>Milliseconds since the Unix epoch (the top 48 bits).</summary>
    public long TimestampMs => (long)(_hi >> 16);

    /// <summary>The timestamp as a UTC <see cref="DateTimeOffset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The timestamp lies after <see cref="DateTimeOffset.MaxValue"/> (possible for timestamps beyond the year 9999,
    /// e.g. <see cref="MaxValue"/>).
    /// </exception>
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);

    /// <summary>Creates a ULID from its 16-byte big-endian binary form.</summary>
    /// <param name="bytes16">Exactly 16 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="bytes16"/> is not exactly 16 bytes long.</exception>
    public static Ulid FromBytes(ReadOnlySpan<byte> bytes16)
    {
        if (bytes16.Length != ByteLength)
        {
            throw new ArgumentException($"ULID bytes must be exactly {ByteLength} bytes, got {bytes16.Length}.", nameof(bytes16));
        }

        return new Ulid(
            BinaryPrimitives.ReadUInt64BigEndian(bytes16),
            BinaryPrimitives.ReadUInt64BigEndian(bytes16[8..]));
    }

    /// <summary>Writes the 16-byte big-endian binary form into the first 16 bytes of <paramref name="dest"/>.</summary>
    /// <param name="dest">Destination with room for at least 16 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="dest"/> is shorter than 16 bytes.</exception>
    public void WriteBytes(Span<byte> dest)
    {
        if (dest.Length < ByteLength)
        {
            throw new ArgumentException($"Destination must hold at least {ByteLength} bytes, got {dest.Length}.", nameof(dest));
        }

        BinaryPrimitives.WriteUInt64BigEndian(dest, _hi);
        BinaryPrimitives.WriteUInt64BigEndian(dest[8..], _lo);
    }

    /// <summary>Returns the 16-byte big-endian binary form as a new array.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[ByteLength];
        WriteBytes(bytes);
        return bytes;
    }

    /// <summary>Returns the canonical 26-character upper-case Crockford base32 text.</summary>
    public override string ToString()
    {
        return string.Create(StringLength, new UInt128(_hi, _lo), static (chars, value) =>
        {
            // 26 chars * 5 bits = 130 bits; the first char carries only the top 3 bits.
            for (var i = StringLength - 1; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(value & 31)];
                value >>= 5;
            }
        });
    }

    /// <summary>Parses the canonical text form (case-insensitive).</summary>
    /// <param name="s">26 Crockford base32 characters, at most <c>7ZZZZZZZZZZZZZZZZZZZZZZZZZ</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is null.</exception>
    /// <exception cref="FormatException">
    /// The length is not 26, a character is outside the alphabet, or the value exceeds 128 bits.
    /// The message names the zero-based position and the reason.
    /// </exception>
    public static Ulid Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return TryDecode(s, out var result, out var error) ? result : throw new FormatException(error);
    }

    /// <summary>Tries to parse the canonical text form (case-insensitive); see <see cref="Parse"/>.</summary>
    /// <param name="s">The text to parse; null fails.</param>
    /// <param name="u">The parsed value, or <see cref="MinValue"/> on failure.</param>
    /// <returns>True if <paramref name="s"/> is a valid ULID.</returns>
    public static bool TryParse([NotNullWhen(true)] string? s, out Ulid u)
    {
        if (s is null)
        {
            u = MinValue;
            return false;
        }

        return TryDecode(s, out u, out _);
    }

    private static bool TryDecode(string s, out Ulid result, [NotNullWhen(false)] out string? error)
    {
        result = MinValue;
        if (s.Length != StringLength)
        {
            error = $"Invalid ULID: expected {StringLength} characters but got {s.Length}.";
            return false;
        }

        UInt128 value = 0;
        for (var i = 0; i < StringLength; i++)
        {
            var c = s[i];
            var digit = DecodeChar(c);
            if (digit < 0)
            {
                error = $"Invalid ULID: character '{c}' (U+{(int)c:X4}) at position {i} is not a Crockford base32 digit "
                    + "(I, L, O and U are not accepted).";
                return false;
            }

            if (i == 0 && digit > 7)
            {
                error = $"Invalid ULID: character '{c}' at position 0 overflows 128 bits "
                    + "(the first character must be 0-7; the maximum is 7ZZZZZZZZZZZZZZZZZZZZZZZZZ).";
                return false;
            }

            value = (value << 5) | (uint)digit;
        }

        result = new Ulid((ulong)(value >> 64), (ulong)value);
        error = null;
        return true;
    }

    private static int DecodeChar(char c)
    {
        if (c is >= 'a' and <= 'z')
        {
            c = (char)(c - ('a' - 'A'));
        }

        return c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'A' and <= 'H' => c - 'A' + 10,   // A-H: 10-17
            'J' or 'K' => c - 'J' + 18,          // J-K: 18-19 (I skipped)
            'M' or 'N' => c - 'M' + 20,          // M-N: 20-21 (L skipped)
            >= 'P' and <= 'T' => c - 'P' + 22,   // P-T: 22-26 (O skipped)
            >= 'V' and <= 'Z' => c - 'V' + 27,   // V-Z: 27-31 (U skipped)
            _ => -1,
        };
    }

    /// <inheritdoc />
    public bool Equals(Ulid other) => _hi == other._hi && _lo == other._lo;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Ulid other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_hi, _lo);

    /// <summary>Compares the 16 bytes lexicographically; the same order as the canonical strings.</summary>
    /// <param name="other">The ULID to compare with.</param>
    /// <returns>Negative, zero or positive as this ULID sorts before, equal to or after <paramref name="other"/>.</returns>
    public int CompareTo(Ulid other)
    {
        var byHi = _hi.CompareTo(other._hi);
        return byHi != 0 ? byHi : _lo.CompareTo(other._lo);
    }

    /// <summary>True if both ULIDs are equal.</summary>
    public static bool operator ==(Ulid left, Ulid right) => left.Equals(right);

    /// <summary>True if the ULIDs differ.</summary>
    public static bool operator !=(Ulid left, Ulid right) => !left.Equals(right);

    /// <summary>True if <paramref name="left"/> sorts before <paramref name="right"/>.</summary>
    public static bool operator <(Ulid left, Ulid right) => left.CompareTo(right) < 0;

    /// <summary>True if <paramref name="left"/> sorts after <paramref name="right"/>.</summary>
    public static bool operator >(Ulid left, Ulid right) => left.CompareTo(right) > 0;

    /// <summary>True if <paramref name="left"/> sorts before or equal to <paramref name="right"/>.</summary>
    public static bool operator <=(Ulid left, Ulid right) => left.CompareTo(right) <= 0;

    /// <summary>True if <paramref name="left"/> sorts after or equal to <paramref name="right"/>.</summary>
    public static bool operator >=(Ulid left, Ulid right) => left.CompareTo(right) >= 0;
}

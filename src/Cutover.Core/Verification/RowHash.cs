using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Cutover.Verification;

/// <summary>
/// The first 128 bits of a row's SHA-256, as two big-endian 64-bit lanes. Rows are short (tens to hundreds of bytes), so what
/// a hash call costs around the hashing matters more than the hashing: a one-shot <c>SHA256.HashData</c> sets up and tears
/// down an OpenSSL digest context each time (about 0.35 µs, more than hashing 300 bytes with the CPU's SHA instructions).
/// On Linux the row is hashed with OpenSSL's plain <c>SHA256_Init/Update/Final</c> on a context on the stack (the same
/// libcrypto .NET itself uses, checked against <see cref="SHA256"/> before it is trusted); elsewhere with one reused
/// <see cref="IncrementalHash"/> per thread.
/// </summary>
internal static unsafe class RowHash
{
    /// <summary>Bytes for OpenSSL's SHA256_CTX (112 on every platform it builds for), with room to spare.</summary>
    private const int ContextBytes = 256;

    private static readonly delegate* unmanaged<byte*, int> s_init;
    private static readonly delegate* unmanaged<byte*, byte*, nuint, int> s_update;
    private static readonly delegate* unmanaged<byte*, byte*, int> s_final;

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    static RowHash()
    {
        if (TryLoadOpenSsl(out var init, out var update, out var final))
        {
            s_init = init;
            s_update = update;
            s_final = final;
            if (!SelfTest())
            {
                s_init = null;
            }
        }
    }

    /// <summary>Whether rows are hashed through OpenSSL's low-level calls (else through <see cref="IncrementalHash"/>).</summary>
    internal static bool Native => s_init != null;

    public static void Lanes(ReadOnlySpan<byte> data, out ulong a, out ulong b)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash(data, hash);
        a = BinaryPrimitives.ReadUInt64BigEndian(hash);
        b = BinaryPrimitives.ReadUInt64BigEndian(hash[8..]);
    }

    /// <summary>SHA-256 of <paramref name="data"/> into <paramref name="hash"/> (32 bytes).</summary>
    internal static void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        if (s_init != null)
        {
            NativeHash(data, hash);
            return;
        }
        ManagedHash(data, hash);
    }

    internal static void ManagedHash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(data);
        sha.GetHashAndReset(hash);
    }

    private static void NativeHash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var ctx = stackalloc byte[ContextBytes];
        fixed (byte* d = data)
        fixed (byte* h = hash)
        {
            // SHA256_Init/Update/Final return 1, and cannot fail on a valid context.
            s_init(ctx);
            s_update(ctx, d, (nuint)data.Length);
            s_final(h, ctx);
        }
    }

    private static bool TryLoadOpenSsl(out delegate* unmanaged<byte*, int> init, out delegate* unmanaged<byte*, byte*, nuint, int> update,
        out delegate* unmanaged<byte*, byte*, int> final)
    {
        init = null;
        update = null;
        final = null;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        foreach (var name in (ReadOnlySpan<string>)["libcrypto.so.3", "libcrypto.so.1.1"])
        {
            if (NativeLibrary.TryLoad(name, out var lib)
                && NativeLibrary.TryGetExport(lib, "SHA256_Init", out var i)
                && NativeLibrary.TryGetExport(lib, "SHA256_Update", out var u)
                && NativeLibrary.TryGetExport(lib, "SHA256_Final", out var f))
            {
                init = (delegate* unmanaged<byte*, int>)i;
                update = (delegate* unmanaged<byte*, byte*, nuint, int>)u;
                final = (delegate* unmanaged<byte*, byte*, int>)f;
                return true;
            }
        }
        return false;
    }

    /// <summary>The native hash agrees with .NET's on lengths around every block boundary that matters.</summary>
    private static bool SelfTest()
    {
        try
        {
            var data = new byte[300];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (byte)((i * 131) + 7);
            }
            Span<byte> native = stackalloc byte[32];
            Span<byte> expected = stackalloc byte[32];
            foreach (var n in (ReadOnlySpan<int>)[0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300])
            {
                NativeHash(data.AsSpan(0, n), native);
                SHA256.HashData(data.AsSpan(0, n), expected);
                if (!native.SequenceEqual(expected))
                {
                    return false;
                }
            }
            return true;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException or SEHException)
        {
            return false;
        }
    }
}

using System.Security.Cryptography;
using Cutover.Verification;

namespace Cutover.Core.Tests.Verification;

/// <summary>Whichever way rows are hashed (OpenSSL's low-level calls or <see cref="IncrementalHash"/>), it is SHA-256.</summary>
public class RowHashTests
{
    [Fact]
    public void Hash_EveryLengthUpTo1100_IsSha256()
    {
        var data = new byte[1100];
        new Random(7).NextBytes(data);
        var hash = new byte[32];
        var managed = new byte[32];

        for (var n = 0; n <= data.Length; n++)
        {
            RowHash.Hash(data.AsSpan(0, n), hash);
            RowHash.ManagedHash(data.AsSpan(0, n), managed);

            var expected = SHA256.HashData(data.AsSpan(0, n));
            Assert.True(expected.AsSpan().SequenceEqual(hash), $"length {n} (native: {RowHash.Native})");
            Assert.True(expected.AsSpan().SequenceEqual(managed), $"length {n} (managed)");
        }
    }

    [Fact]
    public async Task Hash_ManyThreadsAtOnce_EachGetsItsOwnHash()
    {
        var inputs = Enumerable.Range(0, 8).Select(i => Enumerable.Range(0, 100 + i * 37).Select(b => (byte)(b * i)).ToArray()).ToArray();

        await Task.WhenAll(inputs.Select(input => Task.Run(() =>
        {
            var expected = SHA256.HashData(input);
            var hash = new byte[32];
            for (var i = 0; i < 2000; i++)
            {
                RowHash.Hash(input, hash);
                Assert.Equal(expected, hash);
            }
        })));
    }
}

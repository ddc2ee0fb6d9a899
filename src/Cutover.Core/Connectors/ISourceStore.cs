using Cutover.Schema;

namespace Cutover.Connectors;

/// <summary>A store rows are read from. Implementations never write to it.</summary>
public interface ISourceStore : IAsyncDisposable
{
    /// <summary>The connection as safe to print: passwords redacted.</summary>
    string Display { get; }

    Task<DatabaseSchema> InspectAsync(CancellationToken ct);

    Task<long> CountAsync(string table, CancellationToken ct);

    /// <summary>Streams rows in key order; values are the boxed kinds of <see cref="Values.Value"/>.</summary>
    IAsyncEnumerable<object?[]> ReadAsync(ReadRequest request, CancellationToken ct);

    /// <summary>
    /// The checksum (docs/checksums.md) and count of exactly the rows <see cref="ReadAsync"/> returns for
    /// <paramref name="request"/>: the same columns in the same order, each value as <see cref="ReadAsync"/> gives it. The
    /// checksum does not depend on row order, so a store may read the range in any order, in one statement. Only ranges:
    /// <see cref="ReadRequest.Keys"/> must be null (<see cref="ReadRequest.After"/> and <see cref="ReadRequest.Until"/> bound
    /// the range). By default the rows are read through <see cref="ReadAsync"/>; stores override it to hash rows straight from
    /// the driver's buffers.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="request"/> names keys.</exception>
    Task<Verification.TableChecksum> ChecksumAsync(ReadRequest request, CancellationToken ct)
    {
        Verification.TableChecksum.ThrowIfKeys(request);
        return Verification.TableChecksum.OfRowsAsync(ReadAsync(request, ct), ct);
    }

    /// <summary>
    /// The key of the row <paramref name="offset"/> places from the start of <paramref name="table"/> in key order (from the
    /// end when <paramref name="fromEnd"/>), or null when there is no such row. Finds where to split a large table.
    /// </summary>
    Task<object?[]?> KeyAtAsync(string table, IReadOnlyList<string> key, bool keyIsRowid, long offset, bool fromEnd, CancellationToken ct);

    /// <summary>Counts keys that are NULL and keys that occur more than once.</summary>
    Task<(long NullKeys, long DuplicateKeys)> CheckKeysAsync(string table, IReadOnlyList<string> key, bool keyIsRowid, CancellationToken ct);

    /// <summary>Approximate size on disk, for the free-space preflight.</summary>
    Task<long> SizeBytesAsync(CancellationToken ct);

    /// <summary>Runs a user's check query and returns its first column of its first row.</summary>
    Task<object?> ScalarAsync(string sql, CancellationToken ct);
}

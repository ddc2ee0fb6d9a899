using Cutover.Connectors;
using Cutover.PostgreSql.Internal;
using Cutover.Verification;

namespace Cutover.PostgreSql;

/// <summary>Checksums of key ranges, computed from a binary COPY.</summary>
internal sealed partial class PostgreSqlStore
{
    /// <summary>How many checksums went through <see cref="ReadAsync"/> instead of COPY (tests check the fast way ran).</summary>
    internal int ChecksumFallBacks { get; private set; }

    /// <summary>
    /// One <c>COPY (SELECT ...) TO STDOUT (FORMAT binary)</c> for the whole range, with <see cref="ReadAsync"/>'s select
    /// expressions and key range (its bounds as literals of the types a read binds them as) and no ORDER BY: the checksum does
    /// not depend on row order. Each value's canonical bytes are written from its binary form (<see cref="PgCopyChecksum"/>).
    /// Goes through <see cref="ReadAsync"/> instead for a bound with no exact literal, a column the table does not have, or
    /// text that is not valid UTF-8.
    /// </summary>
    /// <remarks>The statement reads the range in one snapshot; on a live source that snapshot holds back vacuum until it ends.</remarks>
    public async Task<TableChecksum> ChecksumAsync(ReadRequest request, CancellationToken ct)
    {
        TableChecksum.ThrowIfKeys(request);
        var types = await GuardAsync(_ => ColumnTypesAsync(request.Table, ct), ct).ConfigureAwait(false);
        var fields = request.Columns.Select(c => PgValues.CopyFieldOf(TypeOf(types, c))).ToArray();
        var where = PgSql.KeyRangeInline(request.Key, request.After, request.Until, request.Nulls);
        if (where is null || fields.Any(f => f is null))
        {
            ChecksumFallBacks++;
            return await TableChecksum.OfRowsAsync(ReadAsync(request, ct), ct).ConfigureAwait(false);
        }
        var sql = $"COPY (SELECT {SelectList(request.Columns, types)} FROM {PgSql.Quote(request.Table)}{where}) TO STDOUT (FORMAT binary)";
        try
        {
            return await GuardAsync(async conn =>
            {
                var copy = await conn.BeginRawBinaryCopyAsync(sql, ct).ConfigureAwait(false);
                try
                {
                    var sum = await PgCopyChecksum.SumAsync(copy, fields.Select(f => f!.Value).ToArray(), ct).ConfigureAwait(false);
                    await copy.DisposeAsync().ConfigureAwait(false);
                    return sum;
                }
                catch
                {
                    // Stop the server sending the rest of the range rather than reading it all to get the connection back.
                    await CancelAsync(copy).ConfigureAwait(false);
                    throw;
                }
            }, ct).ConfigureAwait(false);
        }
        catch (PgCopyChecksum.FallBackException)
        {
            ChecksumFallBacks++;
            return await TableChecksum.OfRowsAsync(ReadAsync(request, ct), ct).ConfigureAwait(false);
        }
    }

    private static async Task CancelAsync(Npgsql.NpgsqlRawCopyStream copy)
    {
        try
        {
            await copy.CancelAsync().ConfigureAwait(false);
            await copy.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or IOException or InvalidOperationException or OperationCanceledException)
        {
            // The first failure is the one to report; a broken connection is reopened by the next call.
        }
    }
}

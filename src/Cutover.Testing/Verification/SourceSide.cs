using Cutover.Connectors;
using Cutover.Plan;
using Cutover.Transform;
using Cutover.Verification;

namespace Cutover.Testing.Verification;

/// <summary>The two ways to checksum the source side of verify, for tests that hold one to the other.</summary>
public static class SourceSide
{
    /// <summary>
    /// As verify reads the source side with no rows recorded as rejected: every row of the range read, transformed as the copy
    /// transforms it, and taken as <paramref name="target"/> gives it back (a row that fails its transform counts as read).
    /// </summary>
    public static async Task<TableChecksum> TransformedAsync(BoundEntity e, ISourceStore source, ITargetStore target,
        IReadOnlyList<object?>? after = null, IReadOnlyList<object?>? until = null)
    {
        var rows = new List<object?[]>();
        await foreach (var row in source.ReadAsync(e.SourceRead(after) with { Until = until }, CancellationToken.None))
        {
            rows.Add(row);
        }
        var sum = new TableChecksum();
        foreach (var r in await new RowTransformer(e, null).TransformAsync(rows, CancellationToken.None))
        {
            sum.Add(r.Ok ? target.AsStored(e.Target, r.Target!) : r.Source);
        }
        return sum;
    }

    /// <summary>The source range checksummed as it is read (<see cref="VerbatimChecksum.VerbatimSourceRequest"/>).</summary>
    public static Task<TableChecksum> VerbatimAsync(BoundEntity e, ISourceStore source, IReadOnlyList<object?>? after = null, IReadOnlyList<object?>? until = null) =>
        source.ChecksumAsync(VerbatimChecksum.VerbatimSourceRequest(e, after, until), CancellationToken.None);
}

namespace Cutover.Routing.Conflicts;

/// <summary>Where the router records conflicts for later reconciliation.</summary>
public interface IConflictJournal
{
    ValueTask RecordAsync(RoutingConflict conflict, CancellationToken ct);

    ValueTask<IReadOnlyList<RoutingConflict>> ListAsync(CancellationToken ct);
}

namespace Cutover.Routing.Conflicts;

/// <summary>Where the router records conflicts for later reconciliation.</summary>
public interface IConflictJournal
{
    ValueTask RecordAsync(ConflictRecord conflict, CancellationToken ct);

    ValueTask<IReadOnlyList<ConflictRecord>> ListAsync(CancellationToken ct);
}

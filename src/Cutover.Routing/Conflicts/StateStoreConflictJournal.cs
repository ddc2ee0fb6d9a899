using Cutover.State;

namespace Cutover.Routing.Conflicts;

/// <summary>
/// The durable conflict journal: the plan's state store (the <c>conflicts</c> table of SQLite or PostgreSQL state), where
/// <c>cutover conflicts</c> lists what every application recorded. <paramref name="entity"/> names the store the router wraps.
/// </summary>
public sealed class StateStoreConflictJournal(IStateStore state, string entity) : IConflictJournal
{
    public async ValueTask RecordAsync(RoutingConflict conflict, CancellationToken ct) =>
        await state.RecordConflictAsync(new ConflictRecord(0, entity, conflict.KeyText, conflict.Kind, Side(conflict.FailedSide), conflict.Error,
            conflict.DifferingFields, conflict.At), ct).ConfigureAwait(false);

    /// <summary>The unresolved conflicts of this entity, as the router recorded them (the state's id as <see cref="RoutingConflict.Id"/>).</summary>
    public async ValueTask<IReadOnlyList<RoutingConflict>> ListAsync(CancellationToken ct) =>
        (await state.ConflictsAsync(unresolvedOnly: true, ct).ConfigureAwait(false))
            .Where(c => c.Entity == entity)
            .Select(c => new RoutingConflict(c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Key, c.Kind,
                c.FailedSide switch { "old" => RoutingSide.Old, "new" => RoutingSide.New, _ => null }, c.Error, c.Fields, c.At))
            .ToList();

    private static string? Side(RoutingSide? side) => side switch
    {
        RoutingSide.Old => "old",
        RoutingSide.New => "new",
        _ => null,
    };
}

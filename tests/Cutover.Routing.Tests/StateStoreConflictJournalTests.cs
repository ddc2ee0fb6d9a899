using Cutover.Routing.Conflicts;
using Cutover.Routing.Tests.Support;
using Cutover.State;

namespace Cutover.Routing.Tests;

public sealed class StateStoreConflictJournalTests
{
    [Fact]
    public async Task Record_ThenList_GoesThroughTheStateStore_ForItsOwnEntityOnly()
    {
        var state = new MemoryStateStore();
        var sessions = new StateStoreConflictJournal(state, "sessions");
        var at = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        await sessions.RecordAsync(new RoutingConflict("x", "s-1", ConflictKinds.PartialWrite, RoutingSide.New, "timeout", [], at), CancellationToken.None);
        await sessions.RecordAsync(new RoutingConflict("y", "s-2", ConflictKinds.ShadowMismatch, null, null, ["title"], at), CancellationToken.None);
        await new StateStoreConflictJournal(state, "orders").RecordAsync(new RoutingConflict("z", "o-1", ConflictKinds.PartialWrite, RoutingSide.Old, "down", [], at), CancellationToken.None);

        var stored = state.Conflicts[0];
        Assert.Equal(("sessions", "s-1", ConflictRecord.PartialWrite, "new", "timeout", at), (stored.Entity, stored.Key, stored.Kind, stored.FailedSide, stored.Error, stored.At));
        var listed = await sessions.ListAsync(CancellationToken.None);
        Assert.Equal(["s-1", "s-2"], listed.Select(c => c.KeyText));
        Assert.Equal(RoutingSide.New, listed[0].FailedSide);
        Assert.Equal(["title"], listed[1].DifferingFields);
    }
}

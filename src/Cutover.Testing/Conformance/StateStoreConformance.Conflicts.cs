using Cutover.State;

namespace Cutover.Testing.Conformance;

/// <summary>The dual-write conflict journal (issue 6): recorded, listed oldest first, resolved once, as every state store must.</summary>
public abstract partial class StateStoreConformance
{
    private ConflictRecord Conflict(string key, string kind, string? side, string? error, params string[] fields) =>
        new(0, "sessions", key, kind, side, error, fields, Clock.Now);

    [Fact]
    public async Task Conflicts_RecordedThenListed_OldestFirst_WithEveryField()
    {
        var a = await State.RecordConflictAsync(Conflict("s-1", ConflictRecord.PartialWrite, "new", "timeout after 2s"), None);
        var b = await State.RecordConflictAsync(Conflict("s-2", ConflictRecord.ShadowMismatch, null, null, "title", "updated_at"), None);

        var all = await State.ConflictsAsync(unresolvedOnly: false, None);

        Assert.True(b > a);
        Assert.Equal([a, b], all.Select(c => c.Id));
        var first = all[0];
        Assert.Equal(("sessions", "s-1", ConflictRecord.PartialWrite, "new", "timeout after 2s"), (first.Entity, first.Key, first.Kind, first.FailedSide, first.Error));
        Assert.Empty(first.Fields);
        Assert.Equal(Clock.Now, first.At);
        Assert.Null(first.Resolution);
        Assert.Equal(["title", "updated_at"], all[1].Fields);
        Assert.Null(all[1].FailedSide);
    }

    [Fact]
    public async Task ResolveConflict_LeavesTheUnresolvedList_AndSaysHowAndWhen()
    {
        var a = await State.RecordConflictAsync(Conflict("s-1", ConflictRecord.PartialWrite, "old", "disk full"), None);
        var b = await State.RecordConflictAsync(Conflict("s-2", ConflictRecord.PartialWrite, "new", "refused"), None);

        await State.ResolveConflictAsync(a, ConflictRecord.OldWins, None);

        Assert.Equal([b], (await State.ConflictsAsync(unresolvedOnly: true, None)).Select(c => c.Id));
        var resolved = (await State.ConflictsAsync(unresolvedOnly: false, None)).Single(c => c.Id == a);
        Assert.Equal(ConflictRecord.OldWins, resolved.Resolution);
        Assert.Equal(Clock.Now, resolved.ResolvedAt);
    }
}

using Cutover.Routing.Conflicts;
using Cutover.Routing.Control;
using Cutover.Routing.Outcomes;
using Cutover.Routing.Tests.Support;
using Cutover.State;
using Cutover.Testing.Conformance;

namespace Cutover.Routing.Tests;

public sealed class MigrationRouterTests
{
    private readonly MemoryTarget _old = new("old");
    private readonly MemoryTarget _new = new("new");
    private readonly InMemoryRoutingControl _control = new(Controls.At(RoutingControl.Legacy));
    private readonly InMemoryConflictJournal _journal = new();
    private readonly InMemoryWriteLog _log = new();
    private readonly FakeClock _clock = new(Controls.T0);

    private MigrationRouter<string, string> Router(Action<MigrationRouterOptions<string, string>>? configure = null)
    {
        var options = new MigrationRouterOptions<string, string> { Breach = null, NewSideBreaker = null };
        configure?.Invoke(options);
        return new MigrationRouter<string, string>(_old, _new, _control, options, _journal, _log, time: _clock);
    }

    [Fact]
    public async Task Legacy_WritesReadsAndDeletes_OldOnly()
    {
        var router = Router();
        await router.WriteAsync("k", "v", default);
        Assert.Equal("v", await router.ReadAsync("k", default));
        await router.DeleteAsync("k", default);
        Assert.Equal((1, 1, 1), (_old.Writes, _old.Reads, _old.Deletes));
        Assert.Equal((0, 0, 0), (_new.Writes, _new.Reads, _new.Deletes));
        Assert.Empty(_log.Outcomes);
    }

    [Theory]
    [InlineData(RoutingControl.RampDown)]
    [InlineData(RoutingControl.Complete)]
    public async Task RampDownAndComplete_Calls_NewOnly(string stage)
    {
        _control.Current = Controls.At(stage, RoutingControl.LeadNew);
        var router = Router();
        await router.WriteAsync("k", "v", default);
        Assert.Equal("v", await router.ReadAsync("k", default));
        await router.DeleteAsync("k", default);
        Assert.Equal((0, 0, 0), (_old.Writes, _old.Reads, _old.Deletes));
        Assert.Equal((1, 1, 1), (_new.Writes, _new.Reads, _new.Deletes));
    }

    [Fact]
    public async Task DualWrite_Write_BothStoresWrittenAndOutcomeBothSucceeded()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite);
        await Router().WriteAsync("k", "v", default);
        Assert.Equal("v", _old.Values["k"]);
        Assert.Equal("v", _new.Values["k"]);
        var outcome = Assert.Single(_log.Outcomes);
        Assert.Equal(WriteOutcomeKind.BothSucceeded, outcome.Kind);
        Assert.Equal(RoutingSide.Old, outcome.Leader);
        Assert.Null(outcome.FailedSide);
        Assert.Empty(_journal.Records);
    }

    [Fact]
    public async Task DualWrite_Write_BothSidesStartBeforeEitherFinishes()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite);
        _old.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _new.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = Router().WriteAsync("k", "v", default).AsTask();

        // The old write is still held when the new one starts: the two overlap instead of running one after the other.
        await _new.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(_old.WriteStarted.Task.IsCompleted);
        Assert.False(write.IsCompleted);

        _old.Gate.SetResult();
        _new.Gate.SetResult();
        await write.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WriteOutcomeKind.BothSucceeded, Assert.Single(_log.Outcomes).Kind);
    }

    [Fact]
    public async Task DualWrite_OldLeadsNewFails_NotThrownAndRecordedAsPartialWrite()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite);
        _new.FailWith = new InvalidOperationException("new store down");
        await Router().WriteAsync("k", "v", default);

        var outcome = Assert.Single(_log.Outcomes);
        Assert.Equal(WriteOutcomeKind.Partial, outcome.Kind);
        Assert.Equal(RoutingSide.New, outcome.FailedSide);
        Assert.Contains("new store down", outcome.Error);
        var conflict = Assert.Single(_journal.Records);
        Assert.Equal(("k", ConflictKinds.PartialWrite, RoutingSide.New), (conflict.KeyText, conflict.Kind, conflict.FailedSide));
        Assert.Contains("InvalidOperationException: new store down", conflict.Error);
        Assert.Equal(Controls.T0, conflict.At);
        Assert.Equal(26, conflict.Id.Length);
    }

    [Fact]
    public async Task DualWrite_OldLeadsOldFails_ThrowsOldErrorAndRecordsPartialWrite()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite);
        _old.FailWith = new TimeoutException("old slow");
        var e = await Assert.ThrowsAsync<TimeoutException>(() => Router().WriteAsync("k", "v", default).AsTask());
        Assert.Equal("old slow", e.Message);
        Assert.Equal("v", _new.Values["k"]);
        Assert.Equal(RoutingSide.Old, Assert.Single(_journal.Records).FailedSide);
    }

    [Fact]
    public async Task DualWrite_NewLeadsNewFails_ThrowsNewErrorOldFailureNever()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite, RoutingControl.LeadNew);
        _new.FailWith = new InvalidOperationException("new down");
        await Assert.ThrowsAsync<InvalidOperationException>(() => Router().WriteAsync("k", "v", default).AsTask());

        _new.FailWith = null;
        _old.FailWith = new InvalidOperationException("old down");
        await Router().WriteAsync("k2", "v", default);
        Assert.Equal([RoutingSide.New, RoutingSide.Old], _journal.Records.Select(r => r.FailedSide!.Value));
    }

    [Fact]
    public async Task DualWrite_BothFail_ThrowsLeadersErrorAndRecordsNoConflict()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite);
        _old.FailWith = new InvalidOperationException("old");
        _new.FailWith = new TimeoutException("new");
        await Assert.ThrowsAsync<InvalidOperationException>(() => Router().WriteAsync("k", "v", default).AsTask());
        var outcome = Assert.Single(_log.Outcomes);
        Assert.Equal(WriteOutcomeKind.BothFailed, outcome.Kind);
        Assert.Contains("old: InvalidOperationException: old; new: TimeoutException: new", outcome.Error);
        Assert.Empty(_journal.Records);
    }

    [Fact]
    public async Task DualWrite_WritePercent_OnlyKeysRoutedNewAreWrittenToNew()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite, writes: 30);
        var router = Router();
        var keys = Enumerable.Range(0, 300).Select(i => $"user-{i}").ToList();
        foreach (var k in keys)
        {
            await router.WriteAsync(k, "v", default);
        }
        Assert.Equal(keys.Count, _old.Values.Count);
        Assert.Equal(keys.Where(k => StickyRouting.IsNew(k, 30)).Order(), _new.Values.Keys.Order());
        Assert.Equal(_new.Values.Count, _log.Outcomes.Count);
    }

    [Fact]
    public async Task DualWrite_OldLeads_ReadPercentSendsAStickyShareOfKeysToNew()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite, reads: 25);
        var router = Router();
        var keys = Enumerable.Range(0, 200).Select(i => $"s-{i}").ToList();
        foreach (var k in keys)
        {
            _old.Values[k] = "old";
            _new.Values[k] = "new";
        }
        foreach (var k in keys)
        {
            Assert.Equal(StickyRouting.IsNew(k, 25) ? "new" : "old", await router.ReadAsync(k, default));
        }
    }

    [Fact]
    public async Task DualWrite_ReadsWithNoReadPercent_ComeFromTheLeader()
    {
        _old.Values["k"] = "old";
        _new.Values["k"] = "new";
        var router = Router();
        _control.Current = Controls.At(RoutingControl.DualWrite, reads: 0);
        Assert.Equal("old", await router.ReadAsync("k", default));
        _control.Current = Controls.At(RoutingControl.DualWrite, RoutingControl.LeadNew, reads: 0);
        Assert.Equal("new", await router.ReadAsync("k", default));
    }

    [Fact]
    public async Task DualWrite_Delete_DeletesBothAndRecordsTheOutcome()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite);
        _old.Values["k"] = "v";
        _new.Values["k"] = "v";
        await Router().DeleteAsync("k", default);
        Assert.Empty(_old.Values);
        Assert.Empty(_new.Values);
        Assert.Equal(WriteOperation.Delete, Assert.Single(_log.Outcomes).Operation);
    }

    [Fact]
    public async Task Shadow_Read_ReadsBothReturnsOldAndRecordsAMismatch()
    {
        _control.Current = Controls.At(RoutingControl.Shadow);
        _old.Values["k"] = "old";
        _new.Values["k"] = "new";
        _old.Values["same"] = "v";
        _new.Values["same"] = "v";
        var router = Router();
        Assert.Equal("old", await router.ReadAsync("k", default));
        Assert.Equal("v", await router.ReadAsync("same", default));
        Assert.Equal((2, 2), (_old.Reads, _new.Reads));
        var conflict = Assert.Single(_journal.Records);
        Assert.Equal(("k", ConflictKinds.ShadowMismatch, (RoutingSide?)null), (conflict.KeyText, conflict.Kind, conflict.FailedSide));
    }

    [Fact]
    public async Task Shadow_ReadWithDiff_RecordsTheDifferingFields()
    {
        _control.Current = Controls.At(RoutingControl.Shadow);
        _old.Values["k"] = "ada|london";
        _new.Values["k"] = "ada|paris";
        var router = Router(o => o.Diff = (a, b) =>
        {
            var (x, y) = (a!.Split('|'), b!.Split('|'));
            return new[] { "name", "city" }.Where((_, i) => x[i] != y[i]).ToList();
        });
        Assert.Equal("ada|london", await router.ReadAsync("k", default));
        Assert.Equal(["city"], Assert.Single(_journal.Records).DifferingFields);
    }

    [Fact]
    public async Task Shadow_ReadWithComparer_UsesIt()
    {
        _control.Current = Controls.At(RoutingControl.Shadow);
        _old.Values["k"] = "ABC";
        _new.Values["k"] = "abc";
        await Router(o => o.Comparer = StringComparer.OrdinalIgnoreCase!).ReadAsync("k", default);
        Assert.Empty(_journal.Records);
    }

    [Fact]
    public async Task Shadow_ReadNewFails_ReturnsOldAndRecordsTheError()
    {
        _control.Current = Controls.At(RoutingControl.Shadow);
        _old.Values["k"] = "old";
        _new.FailWith = new InvalidOperationException("boom");
        Assert.Equal("old", await Router().ReadAsync("k", default));
        var conflict = Assert.Single(_journal.Records);
        Assert.Equal(RoutingSide.New, conflict.FailedSide);
        Assert.Contains("boom", conflict.Error);
    }

    [Fact]
    public async Task Shadow_Write_DualWithOldLeadingEvenIfLeadSaysNew()
    {
        _control.Current = Controls.At(RoutingControl.Shadow, RoutingControl.LeadNew);
        _new.FailWith = new InvalidOperationException("new");
        await Router().WriteAsync("k", "v", default);
        Assert.Equal(RoutingSide.Old, Assert.Single(_log.Outcomes).Leader);
    }

    [Fact]
    public async Task Live_NewLeadsOldStillWritten_OldFailureNotThrown_ReadsFromNew()
    {
        _control.Current = Controls.At(RoutingControl.Live, reads: 0, writes: 0);
        _old.FailWith = new InvalidOperationException("old down");
        var router = Router();
        await router.WriteAsync("k", "v", default);
        Assert.Equal("v", _new.Values["k"]);
        Assert.Equal(1, _old.Writes);
        var outcome = Assert.Single(_log.Outcomes);
        Assert.Equal((RoutingSide.New, WriteOutcomeKind.Partial, RoutingSide.Old), (outcome.Leader, outcome.Kind, outcome.FailedSide!.Value));
        Assert.Equal("v", await router.ReadAsync("k", default));
        Assert.Equal(0, _old.Reads);
    }

    [Fact]
    public async Task Route_ControlChangesBetweenCalls_EachCallUsesTheCurrentOne()
    {
        var router = Router();
        await router.WriteAsync("a", "1", default);
        _control.Current = Controls.At(RoutingControl.DualWrite);
        await router.WriteAsync("b", "2", default);
        _control.Current = Controls.At(RoutingControl.Complete);
        await router.WriteAsync("c", "3", default);
        Assert.Equal(["a", "b"], _old.Values.Keys.Order());
        Assert.Equal(["b", "c"], _new.Values.Keys.Order());
    }

    [Fact]
    public async Task Journal_Throws_CallerIsNotFailedAndTheFailureIsCounted()
    {
        _control.Current = Controls.At(RoutingControl.DualWrite);
        _new.FailWith = new InvalidOperationException("new");
        var router = new MigrationRouter<string, string>(_old, _new, _control,
            new() { Breach = null, NewSideBreaker = null }, new ThrowingJournal(), time: _clock);
        await router.WriteAsync("k", "v", default);
        Assert.Equal(1, router.JournalFailures);
    }

    private sealed class ThrowingJournal : IConflictJournal
    {
        public ValueTask RecordAsync(RoutingConflict conflict, CancellationToken ct) => throw new IOException("disk full");

        public ValueTask<IReadOnlyList<RoutingConflict>> ListAsync(CancellationToken ct) => throw new IOException("disk full");
    }
}

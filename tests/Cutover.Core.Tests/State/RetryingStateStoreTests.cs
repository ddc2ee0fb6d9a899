using Cutover.Copy;
using Cutover.Core.Tests.Ids;
using Cutover.Core.Tests.Support;
using Cutover.Errors;
using Cutover.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cutover.Core.Tests.State;

public sealed class RetryingStateStoreTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);
    private readonly WarningsObserver _observer = new();

    private RetryingStateStore Wrap(IStateStore inner) => new(inner, CopyResilience.Create(_clock, _observer, NullLogger.Instance, RetryOptions.Default));

    [Fact]
    public async Task SetValue_StateDropsTwice_RetriedWithBackoffAndWrittenOnce()
    {
        var inner = new FlakyState(failures: 2);

        await Wrap(inner).SetValueAsync("k", "v", CancellationToken.None);

        Assert.Equal(3, inner.Calls);
        Assert.Equal("v", inner.Values["k"]);
        Assert.Equal(2, _clock.Delays.Count);
        Assert.Equal(2, _observer.Warnings.Count);
        Assert.StartsWith("state unreachable, retrying in ", _observer.Warnings[0], StringComparison.Ordinal);
        Assert.EndsWith("(attempt 2/6)", _observer.Warnings[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetValue_StateStaysDown_GivesUpWithStateUnreachable()
    {
        var inner = new FlakyState(failures: int.MaxValue);

        var ex = await Assert.ThrowsAsync<CutoverException>(() => Wrap(inner).GetValueAsync("k", CancellationToken.None));

        Assert.Equal(ErrorCodes.StateUnreachable, ex.Code);
        Assert.Equal(ExitCodes.Unreachable, ExitCodes.For(ex.Code));
        Assert.Equal(6, inner.Calls);
    }

    [Fact]
    public async Task NonTransientError_IsNotRetried()
    {
        var inner = new FlakyState(failures: 1, transient: false);

        var ex = await Assert.ThrowsAsync<CutoverException>(() => Wrap(inner).SetValueAsync("k", "v", CancellationToken.None));

        Assert.Equal(ErrorCodes.RunLocked, ex.Code);
        Assert.Equal(1, inner.Calls);
        Assert.Empty(_clock.Delays);
    }

    /// <summary>Control values in memory; the first <c>failures</c> calls fail as a dropped state connection would.</summary>
    private sealed class FlakyState(int failures, bool transient = true) : IStateStore
    {
        private int _left = failures;

        public Dictionary<string, string?> Values { get; } = [];

        public int Calls { get; private set; }

        private void MaybeFail()
        {
            Calls++;
            if (_left > 0)
            {
                _left--;
                throw transient
                    ? new CutoverException(ErrorCodes.StateUnreachable, "lost the connection to state fake: terminating connection due to administrator command", isTransient: true)
                    : new CutoverException(ErrorCodes.RunLocked, "another process holds the plan");
            }
        }

        public Task<string?> GetValueAsync(string key, CancellationToken ct)
        {
            MaybeFail();
            return Task.FromResult(Values.GetValueOrDefault(key));
        }

        public Task SetValueAsync(string key, string? value, CancellationToken ct)
        {
            MaybeFail();
            Values[key] = value;
            return Task.CompletedTask;
        }

        public string Display => "fake";
        public Task<RunRecord?> LatestRunAsync(CancellationToken ct) => throw new NotSupportedException();
        public Task<RunRecord> StartRunAsync(string planName, string planHash, CancellationToken ct) => throw new NotSupportedException();
        public Task UpdateRunAsync(RunRecord run, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<EntityProgress>> ProgressAsync(string runId, CancellationToken ct) => throw new NotSupportedException();
        public Task SaveProgressAsync(EntityProgress progress, CancellationToken ct) => throw new NotSupportedException();
        public Task RecordFailuresAsync(IReadOnlyList<FailureRecord> failures, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<FailureRecord>> FailuresAsync(string? entity, bool unresolvedOnly, CancellationToken ct) => throw new NotSupportedException();
        public Task ResolveFailureAsync(long id, CancellationToken ct) => throw new NotSupportedException();
        public Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct) => throw new NotSupportedException();
        public Task AddIdsAsync(string entity, IReadOnlyList<KeyValuePair<object, string>> pairs, CancellationToken ct) => throw new NotSupportedException();
        public Task<long> CountIdsAsync(string entity, CancellationToken ct) => throw new NotSupportedException();
        public IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, CancellationToken ct) => throw new NotSupportedException();
        public Task AddBackupAsync(BackupRecord backup, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct) => throw new NotSupportedException();
        public Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct) => throw new NotSupportedException();
        public Task AuditAsync(string action, string detail, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct) => throw new NotSupportedException();

        public Task<long> RecordConflictAsync(ConflictRecord conflict, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct) => throw new NotSupportedException();

        public Task ResolveConflictAsync(long id, string resolution, CancellationToken ct) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using Cutover.Copy;
using Cutover.Core.Tests.Ids;
using Cutover.Core.Tests.Support;
using Cutover.Errors;
using Cutover.State;
using Cutover.Testing.Fakes;
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
    private sealed class FlakyState(int failures, bool transient = true) : StateStoreFake
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

        public override Task<string?> GetValueAsync(string key, CancellationToken ct)
        {
            MaybeFail();
            return Task.FromResult(Values.GetValueOrDefault(key));
        }

        public override Task SetValueAsync(string key, string? value, CancellationToken ct)
        {
            MaybeFail();
            Values[key] = value;
            return Task.CompletedTask;
        }

        public override string Display => "fake";

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using Cutover.Connectors;
using Cutover.Copy;
using Cutover.Core.Tests.Ids;
using Cutover.Core.Tests.Support;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Schema;
using Cutover.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cutover.Core.Tests.Copy;

public sealed class CopyResilienceTests
{
    private static readonly TargetTable Table = new("items", [new TargetColumn("id", "INTEGER", true, null), new TargetColumn("name", "TEXT", false, null)],
        ["id"], false, false, false, [], []);

    private static readonly object?[][] Rows = [[1L, "a"], [2L, "b"], [3L, "c"]];

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);
    private readonly WarningsObserver _observer = new();

    private Polly.ResiliencePipeline Pipeline() => CopyResilience.Create(_clock, _observer, NullLogger.Instance, RetryOptions.Default);

    [Fact]
    public async Task TransientFailures_ThenSuccess_RetriesAsUpsert_AndEveryRowIsThereOnce()
    {
        // The first try commits, then loses its connection: the classic "did it land?" case.
        var target = new FlakyTarget(failures: 2, commitBeforeFailing: true);

        var result = await CopyResilience.WriteAsync(Pipeline(), target, Table, Rows, WriteMode.Insert, false, CancellationToken.None);

        Assert.Equal(3, result.Written);
        Assert.Equal([WriteMode.Insert, WriteMode.Upsert, WriteMode.Upsert], target.Modes);
        Assert.Equal([1L, 2L, 3L], target.Keys.Order());
        Assert.Equal(0, target.Duplicates);
        Assert.Equal(2, _clock.Delays.Count);
        Assert.All(_clock.Delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(8)));
        Assert.Equal(2, _observer.Warnings.Count);
        Assert.StartsWith("target unreachable, retrying in ", _observer.Warnings[0], StringComparison.Ordinal);
        Assert.EndsWith("(attempt 2/6)", _observer.Warnings[0], StringComparison.Ordinal);
        Assert.EndsWith("(attempt 3/6)", _observer.Warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonTransientFailure_IsNotRetried()
    {
        var target = new FlakyTarget(failures: 1, commitBeforeFailing: false, transient: false);

        var ex = await Assert.ThrowsAsync<CutoverException>(() =>
            CopyResilience.WriteAsync(Pipeline(), target, Table, Rows, WriteMode.Insert, false, CancellationToken.None));

        Assert.Equal(ErrorCodes.TargetNotWritable, ex.Code);
        Assert.Single(target.Modes);
        Assert.Empty(_clock.Delays);
        Assert.Empty(_observer.Warnings);
    }

    [Fact]
    public async Task TargetThatStaysDown_GivesUpAfterSixTries_WithTheTransientError()
    {
        var target = new FlakyTarget(failures: int.MaxValue, commitBeforeFailing: false);

        var ex = await Assert.ThrowsAsync<CutoverException>(() =>
            CopyResilience.WriteAsync(Pipeline(), target, Table, Rows, WriteMode.Insert, false, CancellationToken.None));

        Assert.Equal(ErrorCodes.TargetUnreachable, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.Equal(ExitCodes.Unreachable, ExitCodes.For(ex.Code));
        Assert.Equal(6, target.Modes.Count);
        Assert.Equal(5, _clock.Delays.Count);
        // Exponential with jitter from 0.5 s, each wait capped at 8 s: it gives up within tens of seconds, not minutes.
        Assert.InRange(_clock.Delays.Sum(d => d.TotalSeconds), 3, 40);
        Assert.Equal(_clock.Delays.Sum(d => d.TotalSeconds), (_clock.Now - DateTimeOffset.UnixEpoch).TotalSeconds, 3);
    }

    [Fact]
    public async Task OneAttempt_MeansNoRetry()
    {
        var target = new FlakyTarget(failures: 1, commitBeforeFailing: false);
        var pipeline = CopyResilience.Create(_clock, _observer, NullLogger.Instance, RetryOptions.Default with { Attempts = 1 });

        await Assert.ThrowsAsync<CutoverException>(() => CopyResilience.WriteAsync(pipeline, target, Table, Rows, WriteMode.Insert, false, CancellationToken.None));

        Assert.Single(target.Modes);
    }

    /// <summary>An in-memory target keyed by the first column that fails its first <c>failures</c> writes.</summary>
    private sealed class FlakyTarget(int failures, bool commitBeforeFailing, bool transient = true) : ITargetStore
    {
        private readonly Dictionary<object, object?[]> _rows = [];
        private int _failuresLeft = failures;

        public List<WriteMode> Modes { get; } = [];

        public IEnumerable<long> Keys => _rows.Keys.Cast<long>();

        public int Duplicates { get; private set; }

        public Task<WriteResult> WriteBatchAsync(TargetTable table, IReadOnlyList<object?[]> rows, WriteMode mode, bool stopOnFirstFailure, CancellationToken ct)
        {
            Modes.Add(mode);
            if (_failuresLeft > 0 && !commitBeforeFailing)
            {
                _failuresLeft--;
                throw Failure();
            }
            foreach (var r in rows)
            {
                if (mode == WriteMode.Insert && _rows.ContainsKey(r[0]!))
                {
                    Duplicates++;
                }
                _rows[r[0]!] = r;
            }
            if (_failuresLeft > 0)
            {
                _failuresLeft--;
                throw Failure();
            }
            return Task.FromResult(new WriteResult(rows.Count, []));
        }

        private CutoverException Failure() => transient
            ? new CutoverException(ErrorCodes.TargetUnreachable, "lost the connection to target fake: terminating connection due to administrator command", isTransient: true)
            : new CutoverException(ErrorCodes.TargetNotWritable, "target fake is read-only");

        public string Display => "fake";
        public bool Exists => true;
        public bool ParallelWrites => true;
        public Task CheckWritableAsync(CancellationToken ct) => Task.CompletedTask;
        public Task<long?> FreeBytesAsync(CancellationToken ct) => Task.FromResult<long?>(null);
        public Task<bool> TableExistsAsync(string table, CancellationToken ct) => Task.FromResult(true);
        public string DescribeCreate(TargetTable table) => "";
        public Task CreateTableAsync(TargetTable table, bool replace, CancellationToken ct) => Task.CompletedTask;
        public Task CreateIndexesAsync(TargetTable table, CancellationToken ct) => Task.CompletedTask;
        public Task CreateForeignKeysAsync(TargetTable table, CancellationToken ct) => Task.CompletedTask;
        public Task<long> CountForeignKeyViolationsAsync(string table, CancellationToken ct) => Task.FromResult(0L);
        public Task DeleteKeysAsync(TargetTable table, IReadOnlyList<IReadOnlyList<object?>> keys, CancellationToken ct) => Task.CompletedTask;
        public Task FinishTableAsync(TargetTable table, ISourceStore source, string sourceTable, CancellationToken ct) => Task.CompletedTask;
        public Task<DatabaseSchema> InspectAsync(CancellationToken ct) => throw new NotSupportedException();
        public Task<long> CountAsync(string table, CancellationToken ct) => Task.FromResult((long)_rows.Count);
        public IAsyncEnumerable<object?[]> ReadAsync(ReadRequest request, CancellationToken ct) => throw new NotSupportedException();
        public Task<object?[]?> KeyAtAsync(string table, IReadOnlyList<string> key, bool keyIsRowid, long offset, bool fromEnd, CancellationToken ct) => throw new NotSupportedException();
        public Task<(long NullKeys, long DuplicateKeys)> CheckKeysAsync(string table, IReadOnlyList<string> key, bool keyIsRowid, CancellationToken ct) => Task.FromResult((0L, 0L));
        public Task<long> SizeBytesAsync(CancellationToken ct) => Task.FromResult(0L);
        public Task<object?> ScalarAsync(string sql, CancellationToken ct) => Task.FromResult<object?>(null);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using Cutover.Capture;
using Cutover.Errors;
using Cutover.Values;

namespace Cutover.Testing.Conformance;

/// <summary>Reading captured changes: order, exact values, whole transactions, acknowledgement, status.</summary>
public abstract partial class CaptureConformance
{
    private static readonly TableSpec Pa = new("pa", [new("k", ValueKind.Integer), new("v", ValueKind.Text)], ["k"]);
    private static readonly TableSpec Pb = new("pb", [new("k", ValueKind.Integer), new("v", ValueKind.Text)], ["k"]);

    [Fact]
    public async Task ReadAsync_InsertsUpdatesDeletes_ComeInOrderWithExactValuesOfEveryKind()
    {
        var (store, capture) = await CapturedStoreAsync(Kinds);
        object?[] a = [1L, long.MaxValue, 1e-300, "Grüße, 日本語, emoji 🎉🧪 'q' \"dq\"", new byte[] { 0x00, 0xFF, 0x10, 0x00 }];
        object?[] b = [2L, long.MinValue, -0.0, "", Array.Empty<byte>()];
        object?[] c = [3L, null, null, null, null];
        object?[] a2 = [1L, -1L, 0.1 + 0.2, "line\nbreak", new byte[] { 1 }];
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);

        await ExecAsync(store, Insert(Kinds), a);
        await ExecAsync(store, Insert(Kinds), b);
        await ExecAsync(store, Insert(Kinds), c);
        await ExecAsync(store, "UPDATE \"kinds\" SET \"i\" = @p0, \"r\" = @p1, \"t\" = @p2, \"b\" = @p3 WHERE \"k\" = 1", a2[1..]);
        // What the store itself holds for b (an engine may keep -0.0 as 0.0): the capture must read exactly that back.
        var stored = await RowsAsync(await OpenTargetAsync(store), Kinds);
        await ExecAsync(store, "DELETE FROM \"kinds\" WHERE \"k\" = 2");
        var batch = await ReadAllPendingAsync(capture);

        var storedB = stored.Single(r => Equals(r[0], 2L));
        Assert.Equal(0.0, (double)storedB[2]!);
        object?[] bAsStored = [.. b[..2], storedB[2], .. b[3..]];
        Assert.Equal(
            [(ChangeKind.Insert, 1L), (ChangeKind.Insert, 2L), (ChangeKind.Insert, 3L), (ChangeKind.Update, 1L), (ChangeKind.Delete, 2L)],
            batch.Changes.Select(x => (x.Kind, (long)x.Row[0]!)));
        Assert.All(batch.Changes, x => Assert.Equal("kinds", x.Table));
        Assert.Equal(batch.Changes.Select(x => x.Seq).Order(), batch.Changes.Select(x => x.Seq));
        Assert.Equal(5, batch.Changes.Select(x => x.Seq).Distinct().Count());
        ValueAssert.SameRows([a, bAsStored, c, a2, bAsStored], batch.Changes.Select(x => x.Row).ToList());
        ValueAssert.SameRows(stored, [batch.Changes[3].Row, batch.Changes[1].Row, batch.Changes[2].Row]);
        Assert.All(batch.Changes, x => Assert.InRange(x.At, before, DateTimeOffset.UtcNow.AddSeconds(2)));
        Assert.Equal(batch.Changes[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), batch.Position);
    }

    [Fact]
    public async Task ReadAsync_UpdateOfTheKey_RecordsDeleteOfOldRowThenInsertOfNewRow()
    {
        var (store, capture) = await CapturedStoreAsync(Kv);

        await ExecAsync(store, Insert(Kv), 1L, "a");
        await ExecAsync(store, "UPDATE \"kv\" SET \"k\" = 2 WHERE \"k\" = 1");
        await ExecAsync(store, "UPDATE \"kv\" SET \"v\" = 'b' WHERE \"k\" = 2");
        var batch = await ReadAllPendingAsync(capture);

        Assert.Equal(
            ["Insert 1 a", "Delete 1 a", "Insert 2 a", "Update 2 b"],
            batch.Changes.Select(x => $"{x.Kind} {x.Row[0]} {x.Row[1]}"));
        Assert.True(batch.Changes[1].Seq < batch.Changes[2].Seq);
    }

    [Fact]
    public async Task ReadAsync_MaxChangesOne_NeverSplitsATransactionOverTwoTables()
    {
        var (store, capture) = await CapturedStoreAsync(Pa, Pb);

        await TransactionAsync(store,
            (Insert(Pa), [1L, "a1"]),
            (Insert(Pb), [1L, "b1"]),
            ("UPDATE \"pa\" SET \"v\" = 'a1x' WHERE \"k\" = 1", []));
        await TransactionAsync(store, (Insert(Pb), [2L, "b2"]), (Insert(Pa), [2L, "a2"]));
        var first = await capture.ReadAsync(1, CancellationToken.None);

        var firstTx = first.Changes.Where(x => x.Row[0] is 1L).ToList();
        Assert.Equal(["pa Insert a1", "pb Insert b1", "pa Update a1x"], firstTx.Select(x => $"{x.Table} {x.Kind} {x.Row[1]}"));
        Assert.Single(firstTx.Select(x => x.Tx).Distinct());
        Assert.Contains(first.Changes.Count, new[] { 3, 5 });
        Assert.InRange(first.Transactions, 1, first.Changes.Count == 3 ? 1 : 2);
        await capture.AcknowledgeAsync(first, CancellationToken.None);
        var rest = await ReadAllPendingAsync(capture);
        Assert.Equal(5, first.Changes.Count + rest.Changes.Count);
    }

    [Fact]
    public async Task ReadAsync_RolledBackTransactionAndRefusedStatement_RecordNothing()
    {
        var (store, capture) = await CapturedStoreAsync(Kv);
        await ExecAsync(store, Insert(Kv), 1L, "a");

        await using (var conn = await ConnectApplicationAsync(store))
        {
            await using var tx = await conn.BeginTransactionAsync();
            await using var cmd = AppCommand(conn, tx, Insert(Kv), [2L, "rolled back"]);
            await cmd.ExecuteNonQueryAsync();
            await tx.RollbackAsync();
        }
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ExecAsync(store, Insert(Kv), 1L, "duplicate key"));
        await ExecAsync(store, Insert(Kv), 3L, "c");
        var batch = await ReadAllPendingAsync(capture);

        Assert.Equal(["1 a", "3 c"], batch.Changes.Select(x => $"{x.Row[0]} {x.Row[1]}"));
    }

    [Fact]
    public async Task AcknowledgeAsync_RemovesOnlyWhatWasRead_AndAnUnacknowledgedBatchIsReadAgain()
    {
        var (store, capture) = await CapturedStoreAsync(Kv);
        foreach (var k in new[] { 1L, 2L, 3L })
        {
            await ExecAsync(store, Insert(Kv), k, "v" + k);
        }

        var read = await ReadAllPendingAsync(capture);
        var again = await ReadAllPendingAsync(capture);
        await ExecAsync(store, Insert(Kv), 4L, "v4");
        await capture.AcknowledgeAsync(read, CancellationToken.None);
        var after = await ReadAllPendingAsync(capture);
        await capture.AcknowledgeAsync(read, CancellationToken.None);
        var afterTwice = await ReadAllPendingAsync(capture);

        Assert.Equal([1L, 2L, 3L], read.Changes.Select(x => x.Row[0]));
        Assert.Equal(read.Changes.Select(x => x.Seq), again.Changes.Select(x => x.Seq));
        Assert.Equal([4L], after.Changes.Select(x => x.Row[0]));
        Assert.Equal([4L], afterTwice.Changes.Select(x => x.Row[0]));
    }

    [Fact]
    public async Task ReadAsync_NothingPending_ReturnsAnEmptyBatchThatAcknowledgesHarmlessly()
    {
        var (store, capture) = await CapturedStoreAsync(Kv);
        await ExecAsync(store, Insert(Kv), 1L, "a");
        await DrainAsync(capture, await OpenTargetAsync(await CreateStoreAsync(Kv)), [(Capture(Kv), Target(Kv))], 10);

        var empty = await capture.ReadAsync(10, CancellationToken.None);
        await capture.AcknowledgeAsync(empty, CancellationToken.None);

        Assert.Empty(empty.Changes);
        Assert.Equal(0, empty.Transactions);
        Assert.Equal(0, (await capture.StatusAsync(CancellationToken.None)).Pending);
    }

    [Fact]
    public async Task StatusAsync_CountsPendingChangesAndTheOldest_UntilAcknowledged()
    {
        var (store, capture) = await CapturedStoreAsync(Kv);
        var idle = await capture.StatusAsync(CancellationToken.None);
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);

        await ExecAsync(store, Insert(Kv), 1L, "a");
        await ExecAsync(store, Insert(Kv), 2L, "b");
        await ExecAsync(store, "DELETE FROM \"kv\" WHERE \"k\" = 1");
        var busy = await capture.StatusAsync(CancellationToken.None);
        var after = DateTimeOffset.UtcNow.AddSeconds(2);
        await capture.AcknowledgeAsync(await ReadAllPendingAsync(capture), CancellationToken.None);
        var done = await capture.StatusAsync(CancellationToken.None);

        Assert.Equal((CaptureMode.Triggers, true, true, false, 0L, (DateTimeOffset?)null), (idle.Mode, idle.Guarded, idle.Capturing, idle.Frozen, idle.Pending, idle.OldestAt));
        Assert.Equal(3, busy.Pending);
        Assert.NotNull(busy.OldestAt);
        Assert.InRange(busy.OldestAt.Value, before, after);
        Assert.Equal(0, done.Pending);
        Assert.Null(done.OldestAt);
    }

    [Fact]
    public async Task StartAsync_TableThatDoesNotExist_ThrowsTableNotFoundNamingItAndInstallsNothing()
    {
        var store = await CreateStoreAsync(Kv);
        var capture = await OpenCaptureAsync(store);

        var ex = await Assert.ThrowsAsync<CutoverException>(() =>
            capture.StartAsync([Capture(Kv), new CaptureTable("no_such_table", ["k"], ["k"], false)], CancellationToken.None));

        Assert.Equal(ErrorCodes.TableNotFound, ex.Code);
        Assert.Contains("no_such_table", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await CutoverObjectsAsync(store));
    }

    [Fact]
    public async Task StartAsync_WithANewTable_AddsItToTheRunningCapture()
    {
        var store = await CreateStoreAsync(Kv, Pa);
        var capture = await OpenCaptureAsync(store);
        await capture.StartAsync([Capture(Pa)], CancellationToken.None);
        await ExecAsync(store, Insert(Pa), 1L, "before");
        await ExecAsync(store, Insert(Kv), 1L, "not yet captured");

        await capture.StartAsync([Capture(Pa), Capture(Kv)], CancellationToken.None);
        await ExecAsync(store, Insert(Kv), 2L, "captured");
        await ExecAsync(store, Insert(Pa), 2L, "after");
        var batch = await ReadAllPendingAsync(capture);

        Assert.Equal(["pa 1 before", "kv 2 captured", "pa 2 after"], batch.Changes.Select(x => $"{x.Table} {x.Row[0]} {x.Row[1]}"));
    }
}

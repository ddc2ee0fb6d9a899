using Cutover.Capture;
using Cutover.Schema;
using Cutover.Values;

namespace Cutover.Testing.Conformance;

/// <summary>An application writing while sync reads, applies and acknowledges: nothing is lost, nothing applied twice wrongly.</summary>
public abstract partial class CaptureConformance
{
    private static readonly TableSpec Accounts = new("accounts",
        [new("k", ValueKind.Integer), new("v", ValueKind.Text), new("r", ValueKind.Real)], ["k"]);

    private static readonly TableSpec Notes = new("notes", [new("k", ValueKind.Integer), new("note", ValueKind.Text)], ["k"]);

    /// <summary>Application statements in all (inserts, updates, key updates, deletes), some grouped in two-table transactions.</summary>
    protected virtual int ConcurrentWrites => 2000;

    [Fact]
    public async Task ApplicationWritingWhileSyncRuns_ReplayedThroughApply_LeavesTargetEqualToSource()
    {
        var (store, capture) = await CapturedStoreAsync(Accounts, Notes);
        var target = await OpenTargetAsync(await CreateStoreAsync(Accounts, Notes));
        IReadOnlyList<(CaptureTable, TargetTable)> tables = [(Capture(Accounts), Target(Accounts)), (Capture(Notes), Target(Notes))];
        var readerStarted = new TaskCompletionSource();

        var app = Task.Run(async () =>
        {
            await readerStarted.Task;
            await ApplicationWorkloadAsync(store, ConcurrentWrites);
        });
        var batchesWhileWriting = 0;
        var changes = 0;
        while (!app.IsCompleted)
        {
            var batch = await capture.ReadAsync(50, CancellationToken.None);
            readerStarted.TrySetResult();
            if (batch.Changes.Count == 0)
            {
                await Task.Delay(1);
                continue;
            }
            batchesWhileWriting++;
            changes += batch.Changes.Count;
            await target.ApplyAsync(ToTableChanges(batch, tables), CancellationToken.None);
            await capture.AcknowledgeAsync(batch, CancellationToken.None);
        }
        await app;
        var tail = await DrainAsync(capture, target, tables, 50);
        changes += tail.Sum(b => b.Changes.Count);

        var source = await OpenTargetAsync(store);
        var sourceAccounts = await RowsAsync(source, Accounts);
        var sourceNotes = await RowsAsync(source, Notes);
        Assert.True(sourceAccounts.Count > 100, $"the workload left {sourceAccounts.Count} accounts");
        Assert.True(batchesWhileWriting > 1, $"sync read {batchesWhileWriting} batches while the application wrote");
        Assert.True(changes >= ConcurrentWrites, $"{changes} changes captured for {ConcurrentWrites} writes");
        ValueAssert.SameRows(sourceAccounts, await RowsAsync(target, Accounts));
        ValueAssert.SameRows(sourceNotes, await RowsAsync(target, Notes));
        Assert.Equal(0, (await capture.StatusAsync(CancellationToken.None)).Pending);
    }

    /// <summary>
    /// A repeatable mix on one connection of its own: inserts, value updates, key updates (to fresh keys, so they never
    /// collide), deletes, and every seventh step a transaction that touches both tables.
    /// </summary>
    private async Task ApplicationWorkloadAsync(string store, int writes)
    {
        await using var conn = await ConnectApplicationAsync(store);
        var rnd = new Random(20261122);
        var live = new List<long>();
        long next = 1;
        var done = 0;
        for (var steps = 1; done < writes; steps++)
        {
            var step = new List<(string Sql, object?[] Args)>();
            var statements = done % 7 == 0 ? 3 : 1;
            for (var s = 0; s < statements; s++)
            {
                var roll = rnd.NextDouble();
                if (live.Count < 20 || roll < 0.45)
                {
                    var k = next++;
                    live.Add(k);
                    step.Add((Insert(Accounts), [k, "v" + k, k * 0.1]));
                    step.Add(($"INSERT INTO {Quote("notes")} ({Quote("k")}, {Quote("note")}) VALUES (@p0, @p1)", [k, "note " + k]));
                }
                else if (roll < 0.75)
                {
                    var k = live[rnd.Next(live.Count)];
                    step.Add(($"UPDATE {Quote("accounts")} SET {Quote("v")} = @p0, {Quote("r")} = @p1 WHERE {Quote("k")} = @p2", ["u" + done, rnd.NextDouble(), k]));
                }
                else if (roll < 0.85)
                {
                    var i = rnd.Next(live.Count);
                    var k = next++;
                    step.Add(($"UPDATE {Quote("accounts")} SET {Quote("k")} = @p0 WHERE {Quote("k")} = @p1", [k, live[i]]));
                    live[i] = k;
                }
                else
                {
                    var i = rnd.Next(live.Count);
                    step.Add(($"DELETE FROM {Quote("accounts")} WHERE {Quote("k")} = @p0", [live[i]]));
                    step.Add(($"DELETE FROM {Quote("notes")} WHERE {Quote("k")} = @p0", [live[i]]));
                    live.RemoveAt(i);
                }
            }
            await RunTransactionAsync(conn, step);
            done += step.Count;
            if (steps % 10 == 0)
            {
                // A real application pauses now and then. One that never does starves every other writer on engines whose lock
                // waiters poll (SQLite), sync included.
                await Task.Delay(1);
            }
        }
    }
}

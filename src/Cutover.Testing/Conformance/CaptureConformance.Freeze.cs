using System.Data.Common;
using Cutover.Connectors;

namespace Cutover.Testing.Conformance;

/// <summary>The write freeze, Cutover's own writes (apply), installing and removing.</summary>
public abstract partial class CaptureConformance
{
    private const string FreezeNote = "cut-over of plan conformance in progress; retry in a minute";

    [Fact]
    public async Task SetFrozenAsync_Frozen_RefusesEveryApplicationWriteWithWritesFrozen_UntilUnfrozen()
    {
        var (store, capture) = await CapturedStoreAsync(Kv);
        await ExecAsync(store, Insert(Kv), 1L, "a");

        await capture.SetFrozenAsync(true, FreezeNote, CancellationToken.None);
        var insert = await Assert.ThrowsAnyAsync<DbException>(() => ExecAsync(store, Insert(Kv), 2L, "b"));
        var update = await Assert.ThrowsAnyAsync<DbException>(() => ExecAsync(store, "UPDATE \"kv\" SET \"v\" = 'x' WHERE \"k\" = 1"));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => ExecAsync(store, "DELETE FROM \"kv\" WHERE \"k\" = 1"));
        var frozen = await capture.StatusAsync(CancellationToken.None);
        var rowsWhileFrozen = await RowsAsync(await OpenTargetAsync(store), Kv);
        await capture.SetFrozenAsync(false, "", CancellationToken.None);
        await ExecAsync(store, Insert(Kv), 2L, "b");
        var thawed = await capture.StatusAsync(CancellationToken.None);
        var batch = await ReadAllPendingAsync(capture);

        Assert.All([insert, update, delete], ex =>
        {
            Assert.Contains("WRITES_FROZEN", ex.Message, StringComparison.Ordinal);
            Assert.Contains(FreezeNote, ex.Message, StringComparison.Ordinal);
        });
        Assert.True(frozen.Frozen);
        Assert.Contains(FreezeNote, frozen.FreezeMessage, StringComparison.Ordinal);
        Assert.Equal(["1 a"], rowsWhileFrozen.Select(r => $"{r[0]} {r[1]}"));
        Assert.False(thawed.Frozen);
        Assert.Equal(["Insert 1", "Insert 2"], batch.Changes.Select(x => $"{x.Kind} {x.Row[0]}"));
    }

    [Fact]
    public async Task ApplyAsync_WhileFrozen_PassesTheFreezeAndIsNotCaptured()
    {
        var (store, capture) = await CapturedStoreAsync(Kv);
        var self = await OpenTargetAsync(store);
        await capture.SetFrozenAsync(true, FreezeNote, CancellationToken.None);

        await self.ApplyAsync([new TableChanges(Target(Kv), [[1L, "a"], [2L, "b"], [3L, "c"]], [])], CancellationToken.None);
        await self.ApplyAsync([new TableChanges(Target(Kv), [[1L, "a2"]], [[2L]])], CancellationToken.None);
        var status = await capture.StatusAsync(CancellationToken.None);
        var batch = await ReadAllPendingAsync(capture);
        var refused = await Assert.ThrowsAnyAsync<DbException>(() => ExecAsync(store, Insert(Kv), 9L, "app"));

        Assert.Equal(["1 a2", "3 c"], (await RowsAsync(self, Kv)).Select(r => $"{r[0]} {r[1]}"));
        Assert.Equal(0, status.Pending);
        Assert.True(status.Frozen);
        Assert.Empty(batch.Changes);
        Assert.Contains("WRITES_FROZEN", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_WhileCapturing_IsNotCapturedButTheApplicationsWritesAre()
    {
        var (store, capture) = await CapturedStoreAsync(Kv);
        var self = await OpenTargetAsync(store);

        await self.ApplyAsync([new TableChanges(Target(Kv), [[1L, "applied"]], [])], CancellationToken.None);
        await ExecAsync(store, Insert(Kv), 2L, "app");
        await self.ApplyAsync([new TableChanges(Target(Kv), [], [[2L]])], CancellationToken.None);
        await ExecAsync(store, "UPDATE \"kv\" SET \"v\" = 'app2' WHERE \"k\" = 1");
        var batch = await ReadAllPendingAsync(capture);

        Assert.Equal(["Insert 2 app", "Update 1 app2"], batch.Changes.Select(x => $"{x.Kind} {x.Row[0]} {x.Row[1]}"));
    }

    [Fact]
    public async Task ApplyAsync_SameChangesTwice_LeavesTheSameRows()
    {
        var store = await CreateStoreAsync(Kv, Kinds);
        var target = await OpenTargetAsync(store);
        await target.WriteBatchAsync(Target(Kv), [[1L, "old"], [4L, "gone"], [5L, "kept"]], WriteMode.Insert, false, CancellationToken.None);
        List<TableChanges> changes =
        [
            new(Target(Kinds), [[7L, long.MaxValue, 1e-300, "ünï", new byte[] { 0 }], [8L, null, null, null, null]], [[9L]]),
            new(Target(Kv), [[1L, "new"], [2L, "b"], [3L, "c"]], [[4L], [6L]]),
        ];

        await target.ApplyAsync(changes, CancellationToken.None);
        var once = (await RowsAsync(target, Kv), await RowsAsync(target, Kinds));
        await target.ApplyAsync(changes, CancellationToken.None);
        var twice = (await RowsAsync(target, Kv), await RowsAsync(target, Kinds));

        Assert.Equal(["1 new", "2 b", "3 c", "5 kept"], once.Item1.Select(r => $"{r[0]} {r[1]}"));
        ValueAssert.SameRows(changes[0].Upserts, once.Item2);
        ValueAssert.SameRows(once.Item1, twice.Item1);
        ValueAssert.SameRows(once.Item2, twice.Item2);
    }

    [Fact]
    public async Task RemoveAsync_LeavesNoCutoverObject_AndApplicationWritesWork()
    {
        var (store, capture) = await CapturedStoreAsync(Kv, Kinds);
        await ExecAsync(store, Insert(Kv), 1L, "a");
        await capture.SetFrozenAsync(true, FreezeNote, CancellationToken.None);

        await capture.RemoveAsync(CancellationToken.None);
        await capture.RemoveAsync(CancellationToken.None);
        await ExecAsync(store, Insert(Kv), 2L, "b");
        await ExecAsync(store, "UPDATE \"kv\" SET \"v\" = 'a2' WHERE \"k\" = 1");
        await ExecAsync(store, "DELETE FROM \"kv\" WHERE \"k\" = 2");
        var status = await capture.StatusAsync(CancellationToken.None);

        Assert.Empty(await CutoverObjectsAsync(store));
        Assert.Equal(["1 a2"], (await RowsAsync(await OpenTargetAsync(store), Kv)).Select(r => $"{r[0]} {r[1]}"));
        Assert.Equal((false, false, false, 0L), (status.Guarded, status.Capturing, status.Frozen, status.Pending));
    }

    [Fact]
    public async Task InstallGuardAndStart_RunTwice_AreHarmless()
    {
        var store = await CreateStoreAsync(Kv);
        var capture = await OpenCaptureAsync(store);
        await capture.InstallGuardAsync([Capture(Kv)], CancellationToken.None);
        await capture.InstallGuardAsync([Capture(Kv)], CancellationToken.None);
        await capture.StartAsync([Capture(Kv)], CancellationToken.None);
        var objects = (await CutoverObjectsAsync(store)).Order().ToList();

        await capture.StartAsync([Capture(Kv)], CancellationToken.None);
        await capture.InstallGuardAsync([Capture(Kv)], CancellationToken.None);
        await (await OpenCaptureAsync(store)).StartAsync([Capture(Kv)], CancellationToken.None);
        await ExecAsync(store, Insert(Kv), 1L, "a");
        var batch = await ReadAllPendingAsync(capture);
        var status = await capture.StatusAsync(CancellationToken.None);

        Assert.NotEmpty(objects);
        Assert.Equal(objects, (await CutoverObjectsAsync(store)).Order());
        Assert.Equal(["Insert 1"], batch.Changes.Select(x => $"{x.Kind} {x.Row[0]}"));
        Assert.True(status.Guarded && status.Capturing && !status.Frozen);
    }

    [Fact]
    public async Task InstallGuardAsync_Alone_FreezesOnDemandButCapturesNothing()
    {
        var store = await CreateStoreAsync(Kv);
        var capture = await OpenCaptureAsync(store);

        await capture.InstallGuardAsync([Capture(Kv)], CancellationToken.None);
        await ExecAsync(store, Insert(Kv), 1L, "a");
        var guarded = await capture.StatusAsync(CancellationToken.None);
        await capture.SetFrozenAsync(true, FreezeNote, CancellationToken.None);
        var refused = await Assert.ThrowsAnyAsync<DbException>(() => ExecAsync(store, Insert(Kv), 2L, "b"));

        Assert.Equal((true, false, 0L), (guarded.Guarded, guarded.Capturing, guarded.Pending));
        Assert.Contains("WRITES_FROZEN", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["1 a"], (await RowsAsync(await OpenTargetAsync(store), Kv)).Select(r => $"{r[0]} {r[1]}"));
    }
}

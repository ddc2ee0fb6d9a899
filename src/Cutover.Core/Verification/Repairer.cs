using Cutover.Connectors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// What to repair in one entity: source keys to copy again (a key the source no longer has is deleted from the target), and
/// target keys to delete (rows no source row accounts for).
/// </summary>
public sealed record RepairRequest(BoundEntity Entity, IReadOnlyList<object?[]> Copy, IReadOnlyList<object?[]> Delete);

/// <summary>What repair did to one entity, and what the re-verification of exactly those keys found.</summary>
public sealed record RepairedEntity(
    string Entity,
    IReadOnlyList<object?[]> Copied,
    IReadOnlyList<object?[]> Deleted,
    IReadOnlyList<UntransformableRow> NotRepaired,
    int KeysVerified,
    IReadOnlyList<string> StillDiffering);

public sealed record RepairResult(IReadOnlyList<RepairedEntity> Entities, bool DryRun)
{
    public bool AllVerified => !DryRun && Entities.All(e => e.StillDiffering.Count == 0 && e.NotRepaired.Count == 0);
}

/// <summary>
/// Re-copies exactly the given keys through the copy's transforms and id map, deletes the extra ones, all in ONE target
/// transaction (<see cref="ITargetStore.ApplyAsync"/>: parents' rows before children's, children's deletes before parents';
/// it passes a capture freeze and is not captured), then reads those keys again on both sides and compares them.
/// </summary>
public static class Repairer
{
    public static async Task<RepairResult> RunAsync(MigrationContext ctx, IReadOnlyList<RepairRequest> requests, bool dryRun, CancellationToken ct)
    {
        // Parents first, as the plan orders entities.
        var ordered = requests.Where(r => r.Copy.Count + r.Delete.Count > 0)
            .OrderBy(r => ctx.Entities.ToList().FindIndex(e => e.Name == r.Entity.Name)).ToList();
        var runId = ctx.State is null ? null : (await ctx.State.LatestRunAsync(ct).ConfigureAwait(false))?.Id;
        var changes = new List<TableChanges>();
        var planned = new List<(RepairRequest Request, List<object?[]> Copied, List<object?[]> Deleted, List<UntransformableRow> NotRepaired)>();
        foreach (var request in ordered)
        {
            var e = request.Entity;
            var rows = new List<object?[]>();
            await foreach (var row in ctx.Source.ReadAsync(e.SourceRead(keys: request.Copy.Cast<IReadOnlyList<object?>>().ToList()), ct).ConfigureAwait(false))
            {
                rows.Add(row);
            }
            if (e.IsRekeyed && !dryRun && runId is not null)
            {
                // A row the id map has never seen (added to the source after the copy) gets its new id now, as sync would give it.
                await Ids.IdMapBuilder.MapRowsAsync(ctx, e, new Ids.UlidGenerator(ctx.Time), rows, runId, ct).ConfigureAwait(false);
            }
            var upserts = new List<object?[]>();
            var copied = new List<object?[]>();
            var notRepaired = new List<UntransformableRow>();
            var inSource = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in await new Transform.RowTransformer(e, ctx.State).TransformAsync(rows, ct).ConfigureAwait(false))
            {
                var key = e.KeyOf(t.Source);
                inSource.Add(KeyCodec.Encode(key));
                if (t.Ok)
                {
                    upserts.Add(t.Target!);
                    copied.Add(key);
                }
                else
                {
                    notRepaired.Add(new UntransformableRow(key, t.Code!, t.Message!));
                }
            }
            var deletes = new List<object?[]>(request.Delete);
            foreach (var key in request.Copy.Where(k => !inSource.Contains(KeyCodec.Encode(k))))
            {
                // Gone from the source: the target's copy of it goes too.
                deletes.Add(await TargetKeyOfAsync(ctx, e, key, ct).ConfigureAwait(false));
            }
            changes.Add(new TableChanges(e.Target, upserts, deletes.Cast<IReadOnlyList<object?>>().ToList()));
            planned.Add((request, copied, deletes, notRepaired));
        }
        if (dryRun)
        {
            return new RepairResult(planned.Select(p => new RepairedEntity(p.Request.Entity.Name, p.Copied, p.Deleted, p.NotRepaired, 0, [])).ToList(), DryRun: true);
        }
        if (changes.Count > 0)
        {
            await ctx.Target.ApplyAsync(changes, ct).ConfigureAwait(false);
        }
        var results = new List<RepairedEntity>();
        foreach (var (request, copied, deleted, notRepaired) in planned)
        {
            // What an interrupted verify had compared is out of date now.
            ChunkCheckpoint.Forget(ctx.Plan.StateDirectory, request.Entity.Name);
            var still = await ReverifyAsync(ctx, request.Entity, copied, deleted, ct).ConfigureAwait(false);
            results.Add(new RepairedEntity(request.Entity.Name, copied, deleted, notRepaired, copied.Count + deleted.Count, still));
        }
        if (ctx.State is not null)
        {
            await ctx.State.AuditAsync("repair", string.Join("; ", results.Select(r =>
                $"{r.Entity}: {r.Copied.Count} re-copied, {r.Deleted.Count} deleted, {r.NotRepaired.Count} not repairable, {r.StillDiffering.Count} still differ")), ct).ConfigureAwait(false);
        }
        return new RepairResult(results, DryRun: false);
    }

    /// <summary>The target key a source key was copied to: the same values, or its new id when the entity is re-keyed.</summary>
    private static async Task<object?[]> TargetKeyOfAsync(MigrationContext ctx, BoundEntity e, object?[] key, CancellationToken ct)
    {
        if (e.IsRekeyed && ctx.State is not null && key is [{ } old and (long or string)])
        {
            var found = await ctx.State.LookupIdsAsync(e.Name, [old], ct).ConfigureAwait(false);
            if (found.TryGetValue(old, out var id))
            {
                return [id];
            }
        }
        // Not re-keyed, or a key the id map does not know: it names the target row itself.
        return key;
    }

    /// <summary>Reads exactly the repaired keys again on both sides and compares them: copied rows equal, deleted rows gone.</summary>
    private static async Task<List<string>> ReverifyAsync(MigrationContext ctx, BoundEntity e, List<object?[]> copied, List<object?[]> deleted, CancellationToken ct)
    {
        var still = new List<string>();
        var normalizer = RowNormalizer.For(e);
        var keyIdx = ChunkedComparer.TargetKeyIndexes(e);
        var columns = e.TargetRead().Columns;
        var expected = new Dictionary<string, (object?[] SourceKey, object?[] Row)>(StringComparer.Ordinal);
        if (copied.Count > 0)
        {
            await foreach (var r in ChunkedComparer.SourceRowsAsync(ctx, e, [], null, null, copied.Cast<IReadOnlyList<object?>>().ToList(), ct).ConfigureAwait(false))
            {
                if (r.Stored is { } stored)
                {
                    expected[KeyCodec.Encode(ChunkedComparer.Pick(stored, keyIdx))] = (r.SourceKey, stored);
                }
                else
                {
                    still.Add($"{Value.DisplayKey(r.SourceKey)}: {r.Code}: {r.Message}");
                }
            }
        }
        var targetKeys = expected.Keys.Select(KeyCodec.Decode).Concat(deleted).Select(k => (IReadOnlyList<object?>)k).ToList();
        var gone = deleted.Select(KeyCodec.Encode).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (targetKeys.Count > 0)
        {
            await foreach (var row in ctx.Target.ReadAsync(e.TargetRead() with { Keys = targetKeys }, ct).ConfigureAwait(false))
            {
                var key = KeyCodec.Encode(ChunkedComparer.Pick(row, keyIdx));
                seen.Add(key);
                if (expected.TryGetValue(key, out var want))
                {
                    var fields = ChunkedComparer.Differences(columns, normalizer, want.Row, row);
                    if (fields.Count > 0)
                    {
                        still.Add($"{Value.DisplayKey(want.SourceKey)}: still differs in {string.Join(", ", fields.Select(f => f.Field))}");
                    }
                }
                else if (gone.Contains(key))
                {
                    still.Add($"{Value.DisplayKey(KeyCodec.Decode(key))}: still on the target");
                }
            }
        }
        foreach (var (key, want) in expected.Where(kv => !seen.Contains(kv.Key)))
        {
            still.Add($"{Value.DisplayKey(want.SourceKey)}: still missing on the target");
        }
        return still;
    }
}

using Cutover.Capture;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Ids;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;
using Cutover.Transform;
using Cutover.Values;

namespace Cutover.Sync;

/// <summary>
/// Applies one batch of captured changes to the other store in one transaction. Each key's last change in the batch
/// wins (the batch holds whole transactions, so that is the row as those transactions left it); rows go through the
/// same transforms and id map as the copy (a re-keyed entity's new rows get their ULIDs here), then
/// <see cref="ITargetStore.ApplyAsync"/> upserts them parents first and deletes children first. A row the transforms
/// refuse is recorded like a copied one; with <c>on_error: stop</c> the batch is not applied and sync stops.
/// </summary>
public sealed class ChangeApplier
{
    private readonly MigrationContext _ctx;
    private readonly SyncPath _path;
    private readonly string _runId;
    private readonly Dictionary<string, (BoundEntity Entity, RowTransformer Transformer, int[] TargetKey)> _byTable;
    private readonly UlidGenerator _ulids;

    public ChangeApplier(MigrationContext ctx, SyncPath path, string runId)
    {
        _ctx = ctx;
        _path = path;
        _runId = runId;
        _ulids = new UlidGenerator(ctx.Time);
        // Forward changes may need the id map (re-keyed entities); the way back never does (ReverseBinder refuses those plans).
        var ids = path.Direction == SyncDirection.Forward ? ctx.State : null;
        _byTable = path.Entities.ToDictionary(e => e.Source.Name, e => (e, new RowTransformer(e, ids), TargetKeyIndexes(e)), StringComparer.Ordinal);
    }

    /// <summary>Applies <paramref name="batch"/>; returns how many changes were refused (recorded as failures).</summary>
    public async Task<int> ApplyAsync(ChangeBatch batch, CancellationToken ct)
    {
        var latest = new Dictionary<string, Dictionary<string, CapturedChange>>(StringComparer.Ordinal);
        foreach (var c in batch.Changes.OrderBy(c => c.Seq))
        {
            if (!_byTable.TryGetValue(c.Table, out var bound))
            {
                throw new CutoverException(ErrorCodes.CaptureConflict,
                    $"{_path.Capture.Display}: a change to table '{c.Table}' was captured, but the plan has no such entity; put the entity back in the plan");
            }
            if (c.Row.Length != bound.Entity.SourceColumns.Count)
            {
                // Rows are read by position: a plan that now reads other columns than capture records would put values in the wrong place.
                throw new CutoverException(ErrorCodes.CaptureConflict,
                    $"{_path.Capture.Display}: table '{c.Table}' is captured with {c.Row.Length} columns but the plan reads {bound.Entity.SourceColumns.Count}; the plan's columns changed since migrate installed capture: put them back as they were");
            }
            if (!latest.TryGetValue(c.Table, out var perKey))
            {
                latest[c.Table] = perKey = [];
            }
            perKey[KeyCodec.Encode(bound.Entity.KeyOf(c.Row))] = c;
        }
        var changes = new List<TableChanges>();
        var failures = new List<FailureRecord>();
        // Plan order is dependency order: parents' upserts go first, and their new ids exist before children look them up.
        foreach (var e in _path.Entities)
        {
            if (!latest.TryGetValue(e.Source.Name, out var perKey))
            {
                continue;
            }
            var (entity, transformer, targetKey) = _byTable[e.Source.Name];
            var upsertRows = perKey.Values.Where(c => c.Kind != ChangeKind.Delete).Select(c => c.Row).ToList();
            // A delete needs only the key: transforming the other columns of the old row could refuse it (a value that no longer casts)
            // and leave the row on the other side for ever.
            var deleteRows = perKey.Values.Where(c => c.Kind == ChangeKind.Delete).Select(c => KeyOnly(entity, c.Row)).ToList();
            if (_path.Direction == SyncDirection.Forward && entity.IsRekeyed && upsertRows.Count > 0)
            {
                await IdMapBuilder.MapRowsAsync(_ctx, entity, _ulids, upsertRows, _runId, ct).ConfigureAwait(false);
            }
            var upserts = new List<object?[]>(upsertRows.Count);
            foreach (var t in await transformer.TransformAsync(upsertRows, ct).ConfigureAwait(false))
            {
                if (t.Ok)
                {
                    upserts.Add(t.Target!);
                }
                else
                {
                    failures.Add(new FailureRecord(0, _runId, entity.Name, KeyCodec.Encode(entity.KeyOf(t.Source)), t.Code!, t.Message!, _ctx.Time.GetUtcNow(), null));
                }
            }
            var deletes = new List<IReadOnlyList<object?>>(deleteRows.Count);
            // Two source keys can land on one target key (1.0 and 1.00, 5 and '5'): the row the batch upserts must not then be deleted.
            var upserted = upserts.Select(u => KeyCodec.Encode(targetKey.Select(i => u[i]).ToArray())).ToHashSet(StringComparer.Ordinal);
            foreach (var t in await transformer.TransformAsync(deleteRows, ct).ConfigureAwait(false))
            {
                // A deleted row whose key never made it across (a re-keyed row created and deleted between two syncs) has nothing to delete.
                if (t.Ok)
                {
                    var key = targetKey.Select(i => t.Target![i]).ToArray();
                    if (!upserted.Contains(KeyCodec.Encode(key)))
                    {
                        deletes.Add(key);
                    }
                }
                else if (!entity.IsRekeyed)
                {
                    failures.Add(new FailureRecord(0, _runId, entity.Name, KeyCodec.Encode(entity.KeyOf(t.Source)), t.Code!, "delete: " + t.Message!, _ctx.Time.GetUtcNow(), null));
                }
            }
            changes.Add(new TableChanges(entity.Target, upserts, deletes));
        }
        if (failures.Count > 0)
        {
            await _ctx.RequireState().RecordFailuresAsync(failures, ct).ConfigureAwait(false);
            if (_ctx.Plan.OnError == OnErrorPolicy.Stop)
            {
                var f = failures[0];
                throw new CutoverException(ErrorCodes.RowRejected,
                    $"{f.Entity} key {Value.DisplayKey(KeyCodec.Decode(f.Key))}: {f.Code}: {f.Message.TrimEnd('.')}. Nothing of this batch was applied; the row is recorded; fix it and run sync again, or set on_error: skip")
                {
                    Details = failures.Select(x => $"{x.Entity} key {Value.DisplayKey(KeyCodec.Decode(x.Key))}: {x.Code}: {x.Message}").ToList(),
                };
            }
        }
        if (changes.Count > 0)
        {
            await _path.Writer.ApplyAsync(changes, ct).ConfigureAwait(false);
        }
        return failures.Count;
    }

    /// <summary>The row with every column but the key set to NULL.</summary>
    private static object?[] KeyOnly(BoundEntity e, object?[] row)
    {
        var key = new object?[row.Length];
        foreach (var i in e.SourceKeyIndexes)
        {
            key[i] = row[i];
        }
        return key;
    }

    /// <summary>Where the key columns sit in a transformed row (the layout WriteBatchAsync takes: rowid first when it is the key).</summary>
    private static int[] TargetKeyIndexes(BoundEntity e)
    {
        if (e.Target.KeyIsRowid)
        {
            return [0];
        }
        return e.Target.Key.Select(k =>
        {
            var i = e.Target.Columns.ToList().FindIndex(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase));
            return i >= 0 ? i : throw new InvalidOperationException($"key column '{k}' is not a column of target table '{e.Target.Name}'");
        }).ToArray();
    }
}

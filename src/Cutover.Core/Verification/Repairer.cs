using Cutover.Connectors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// What to repair in one entity: source keys to copy again (a key the source no longer has is deleted from the target), and
/// target keys to delete (rows no source row accounts for). <see cref="Typed"/> says the keys come from a comparison, in the
/// stores' own kinds; keys a person typed (<c>--keys</c>) are looked up one by one, also in their other plausible kind (the
/// integer 5 for the text '5'), so a key is never taken as gone because it was typed as the wrong kind.
/// </summary>
public sealed record RepairRequest(BoundEntity Entity, IReadOnlyList<object?[]> Copy, IReadOnlyList<object?[]> Delete, bool Typed = true);

/// <summary>What repair did to one entity, and what the re-verification of exactly those keys found.</summary>
public sealed record RepairedEntity(
    string Entity,
    IReadOnlyList<object?[]> Copied,
    IReadOnlyList<object?[]> Deleted,
    IReadOnlyList<UntransformableRow> NotRepaired,
    int KeysVerified,
    IReadOnlyList<string> StillDiffering)
{
    /// <summary>The request this answers (one result per request with keys, parents' entities first).</summary>
    public RepairRequest? Request { get; init; }
}

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
    private enum Mode
    {
        Apply,
        DryRun,
        Check,
    }

    public static Task<RepairResult> RunAsync(MigrationContext ctx, IReadOnlyList<RepairRequest> requests, bool dryRun, CancellationToken ct) =>
        RunAsync(ctx, requests, dryRun, audit: true, ct);

    /// <summary>
    /// As <see cref="RunAsync(MigrationContext, IReadOnlyList{RepairRequest}, bool, CancellationToken)"/>; without <paramref name="audit"/>
    /// the caller writes its own audit entry. <paramref name="reverse"/>: <paramref name="ctx"/> is the plan turned round (the
    /// target read as the source, the source written), so the forward copy's failure records and chunk records, which are
    /// keyed by the forward entity, are left alone.
    /// </summary>
    public static Task<RepairResult> RunAsync(MigrationContext ctx, IReadOnlyList<RepairRequest> requests, bool dryRun, bool audit, CancellationToken ct,
        bool reverse = false) =>
        RunAsync(ctx, requests, dryRun ? Mode.DryRun : Mode.Apply, audit, ct, reverse);

    /// <summary>
    /// Writes nothing: compares exactly the requested keys on both sides as repair would leave them. A source row whose copy
    /// differs or is missing, a target row whose source row is gone, and a row the transforms refuse each show in the result
    /// (<see cref="RepairedEntity.StillDiffering"/>, <see cref="RepairedEntity.NotRepaired"/>); keys neither side has match.
    /// </summary>
    public static Task<RepairResult> CheckAsync(MigrationContext ctx, IReadOnlyList<RepairRequest> requests, CancellationToken ct) =>
        RunAsync(ctx, requests, Mode.Check, audit: false, ct);

    private static async Task<RepairResult> RunAsync(MigrationContext ctx, IReadOnlyList<RepairRequest> requests, Mode mode, bool audit, CancellationToken ct,
        bool reverse = false)
    {
        var dryRun = mode == Mode.DryRun;
        // Parents first, as the plan orders entities.
        var ordered = requests.Where(r => r.Copy.Count + r.Delete.Count > 0)
            .OrderBy(r => ctx.Entities.ToList().FindIndex(e => e.Name == r.Entity.Name)).ToList();
        var runId = ctx.State is null ? null : (await ctx.State.LatestRunAsync(ct).ConfigureAwait(false))?.Id;
        var changes = new List<TableChanges>();
        var planned = new List<(RepairRequest Request, List<object?[]> Copied, List<object?[]> Deleted, List<UntransformableRow> NotRepaired)>();
        foreach (var request in ordered)
        {
            var e = request.Entity;
            // A key with a NULL in it names no row (NULL equals nothing): such rows are reported, never written or deleted by key.
            static bool HasNull(object?[] k) => k.Any(v => v is null or DBNull);
            var nullKeyed = request.Copy.Concat(request.Delete).Where(HasNull)
                .Select(k => new UntransformableRow(k, Errors.ErrorCodes.KeyNull, "a key with NULL in it names no row; put it right by hand")).ToList();
            var copy = request.Copy.Where(k => !HasNull(k)).ToList();
            var (rows, gone) = request.Typed
                ? await ReadTypedAsync(ctx, e, copy, ct).ConfigureAwait(false)
                : await ReadTypedByHandAsync(ctx, e, copy, ct).ConfigureAwait(false);
            if (e.IsRekeyed && mode == Mode.Apply && runId is not null)
            {
                // A row the id map has never seen (added to the source after the copy) gets its new id now, as sync would give it.
                await Ids.IdMapBuilder.MapRowsAsync(ctx, e, new Ids.UlidGenerator(ctx.Time), rows, runId, ct).ConfigureAwait(false);
            }
            var upserts = new List<object?[]>();
            var copied = new List<object?[]>();
            var notRepaired = new List<UntransformableRow>(nullKeyed);
            var keyIdx = ChunkedComparer.TargetKeyIndexes(e);
            foreach (var t in await new Transform.RowTransformer(e, ctx.State).TransformAsync(rows, ct).ConfigureAwait(false))
            {
                var key = e.KeyOf(t.Source);
                if (t.Ok)
                {
                    upserts.Add(t.Target!);
                    copied.Add(key);
                }
                else if (dryRun && e.IsRekeyed && t.Code == Errors.ErrorCodes.RekeyFailed)
                {
                    // Not mapped yet: the real run gives it its new id first.
                    copied.Add(key);
                }
                else
                {
                    notRepaired.Add(new UntransformableRow(key, t.Code!, t.Message!));
                }
            }
            var deletes = request.Delete.Where(k => !HasNull(k)).ToList();
            var targetLoose = gone.Count == 0 || request.Typed ? null
                : Loose((await ctx.Target.InspectAsync(ct).ConfigureAwait(false)).FindTable(e.Target.Name), e.Target.Key);
            foreach (var key in gone)
            {
                // Gone from the source: the target's copy of it goes too (found in whatever kind the target holds it).
                deletes.AddRange(await TargetRowsOfAsync(ctx, e, key, request.Typed, targetLoose, ct).ConfigureAwait(false));
            }
            // Never delete what this repair writes (ApplyAsync deletes after it upserts).
            var written = upserts.Select(u => KeyCodec.Encode(ChunkedComparer.Pick(ctx.Target.AsStored(e.Target, u), keyIdx))).ToHashSet(StringComparer.Ordinal);
            deletes = deletes.Where(d => !written.Contains(KeyCodec.Encode(d))).DistinctBy(KeyCodec.Encode).ToList();
            changes.Add(new TableChanges(e.Target, upserts, deletes.Cast<IReadOnlyList<object?>>().ToList()));
            planned.Add((request, copied, deletes, notRepaired));
        }
        if (dryRun)
        {
            return new RepairResult(planned.Select(p => new RepairedEntity(p.Request.Entity.Name, p.Copied, p.Deleted, p.NotRepaired, 0, []) { Request = p.Request }).ToList(), DryRun: true);
        }
        if (mode == Mode.Check)
        {
            var checkedEntities = new List<RepairedEntity>();
            foreach (var (request, present, stray, refused) in planned)
            {
                var differ = await ReverifyAsync(ctx, request.Entity, present, stray, ct).ConfigureAwait(false);
                checkedEntities.Add(new RepairedEntity(request.Entity.Name, present, stray, refused, present.Count + stray.Count, differ) { Request = request });
            }
            return new RepairResult(checkedEntities, DryRun: false);
        }
        foreach (var (request, _, _, _) in planned.Where(_ => !reverse))
        {
            // What an interrupted verify had compared is out of date from here on (forgotten first: a crash in between loses nothing).
            ChunkCheckpoint.Forget(ctx.Plan.StateDirectory, request.Entity.Name);
        }
        if (changes.Count > 0)
        {
            await ctx.Target.ApplyAsync(changes, ct).ConfigureAwait(false);
        }
        if (!reverse)
        {
            await ResolveFailuresAsync(ctx, planned.Select(p => (p.Request.Entity, p.Copied)).ToList(), ct).ConfigureAwait(false);
        }
        var results = new List<RepairedEntity>();
        foreach (var (request, copied, deleted, notRepaired) in planned)
        {
            var still = await ReverifyAsync(ctx, request.Entity, copied, deleted, ct).ConfigureAwait(false);
            results.Add(new RepairedEntity(request.Entity.Name, copied, deleted, notRepaired, copied.Count + deleted.Count, still) { Request = request });
        }
        if (audit && ctx.State is not null)
        {
            await ctx.State.AuditAsync("repair", string.Join("; ", results.Select(r =>
                $"{r.Entity}: {r.Copied.Count} re-copied, {r.Deleted.Count} deleted, {r.NotRepaired.Count} not repairable, {r.StillDiffering.Count} still differ")), ct).ConfigureAwait(false);
        }
        return new RepairResult(results, DryRun: false);
    }

    /// <summary>Source rows of keys from a comparison (in the stores' own kinds), and the keys the source no longer has.</summary>
    private static async Task<(List<object?[]> Rows, List<object?[]> Gone)> ReadTypedAsync(MigrationContext ctx, BoundEntity e, IReadOnlyList<object?[]> keys,
        CancellationToken ct)
    {
        var rows = new List<object?[]>();
        if (keys.Count > 0)
        {
            await foreach (var row in ctx.Source.ReadAsync(e.SourceRead(keys: keys.Cast<IReadOnlyList<object?>>().ToList()), ct).ConfigureAwait(false))
            {
                rows.Add(row);
            }
        }
        var found = rows.Select(r => KeyCodec.Encode(e.KeyOf(r))).ToHashSet(StringComparer.Ordinal);
        return (rows, keys.Where(k => !found.Contains(KeyCodec.Encode(k))).ToList());
    }

    /// <summary>
    /// Source rows of keys a person typed: each key looked up on its own, in each of its plausible kinds (as typed, then a text
    /// that reads as an integer as that integer, an integer as its text), so the row the store finds is the one repaired.
    /// </summary>
    private static async Task<(List<object?[]> Rows, List<object?[]> Gone)> ReadTypedByHandAsync(MigrationContext ctx, BoundEntity e,
        IReadOnlyList<object?[]> keys, CancellationToken ct)
    {
        var rows = new List<object?[]>();
        var gone = new List<object?[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var loose = Loose(e.Source, e.SourceKey);
        foreach (var key in keys)
        {
            object?[]? row = null;
            foreach (var candidate in Kinds(key, loose))
            {
                await foreach (var r in ctx.Source.ReadAsync(e.SourceRead(keys: [candidate]), ct).ConfigureAwait(false))
                {
                    row ??= r;
                }
                if (row is not null)
                {
                    break;
                }
            }
            if (row is null)
            {
                gone.Add(key);
            }
            else if (seen.Add(KeyCodec.Encode(e.KeyOf(row))))
            {
                rows.Add(row);
            }
        }
        return (rows, gone);
    }

    /// <summary>
    /// A typed key as typed, then with each text part that reads as an integer as that integer and each integer as text; only
    /// the parts <paramref name="loose"/> allows (null: all), so a typed column (PostgreSQL) is never asked for the other kind,
    /// which it would refuse rather than not find.
    /// </summary>
    internal static IEnumerable<object?[]> Kinds(object?[] key, bool[]? loose = null)
    {
        yield return key;
        var other = key.Select((v, i) => loose is not null && i < loose.Length && !loose[i] ? v : v switch
        {
            string s when long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) => (object?)n,
            long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => v,
        }).ToArray();
        if (KeyCodec.Encode(other) != KeyCodec.Encode(key))
        {
            yield return other;
        }
    }

    /// <summary>
    /// The target rows a source key gone from the source was copied to, by their actual keys: the same values (in any of the
    /// key's plausible kinds when typed by hand), or, for a re-keyed entity, its new id from the id map; a key the id map does
    /// not know names a target row itself. Keys the target does not hold are left out, so repair reports only real deletes.
    /// </summary>
    private static async Task<List<object?[]>> TargetRowsOfAsync(MigrationContext ctx, BoundEntity e, object?[] key, bool typed, bool[]? loose, CancellationToken ct)
    {
        var candidates = typed ? [key] : Kinds(key, loose).ToList();
        if (e.IsRekeyed && ctx.State is not null && key is [{ } old and (long or string)])
        {
            var found = await ctx.State.LookupIdsAsync(e.Name, [old], ct).ConfigureAwait(false);
            if (found.TryGetValue(old, out var id))
            {
                candidates = [[id]];
            }
        }
        var keyIdx = ChunkedComparer.TargetKeyIndexes(e);
        var rows = new List<object?[]>();
        foreach (var candidate in candidates)
        {
            await foreach (var row in ctx.Target.ReadAsync(e.TargetRead() with { Keys = [candidate] }, ct).ConfigureAwait(false))
            {
                rows.Add(ChunkedComparer.Pick(row, keyIdx));
            }
            if (rows.Count > 0)
            {
                break;
            }
        }
        return rows;
    }

    /// <summary>Per key column: true where the store keeps values of any kind in it (SQLite), or the column is not known.</summary>
    private static bool[] Loose(Schema.TableSchema? table, IReadOnlyList<string> key) => key.Select(k =>
        table?.Columns.FirstOrDefault(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase)) is not { } column
        || column.Kind == Schema.ColumnKind.Dynamic).ToArray();

    /// <summary>Failure records of the rows repair copied are closed (the row is on the target now), as retry closes them.</summary>
    private static async Task ResolveFailuresAsync(MigrationContext ctx, List<(BoundEntity Entity, List<object?[]> Copied)> copied, CancellationToken ct)
    {
        if (ctx.State is null)
        {
            return;
        }
        foreach (var (e, keys) in copied.Where(c => c.Copied.Count > 0))
        {
            var done = keys.Select(KeyCodec.Encode).ToHashSet(StringComparer.Ordinal);
            foreach (var f in await ctx.State.FailuresAsync(e.Name, unresolvedOnly: true, ct).ConfigureAwait(false))
            {
                if (done.Contains(f.Key))
                {
                    await ctx.State.ResolveFailureAsync(f.Id, ct).ConfigureAwait(false);
                }
            }
        }
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

using Cutover.Connectors;
using Cutover.Errors;
using Cutover.State;
using Cutover.Values;

namespace Cutover.Migration;

/// <summary>
/// Re-attempts recorded failures: reads each failed key again from the source, transforms it (the plan may
/// have been fixed meanwhile) and upserts it. A row that now lands is marked resolved; one that still fails
/// keeps its record with the new reason.
/// </summary>
public static class RetryRunner
{
    public static async Task<RetryResult> RunAsync(MigrationContext ctx, string? entity, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var failures = await state.FailuresAsync(entity, unresolvedOnly: true, ct).ConfigureAwait(false);
        int fixedCount = 0, still = 0, gone = 0;
        var remaining = new List<string>();
        foreach (var group in failures.GroupBy(f => f.Entity))
        {
            var e = ctx.Entity(group.Key);
            var byKey = group.ToDictionary(f => f.Key);
            var keys = group.Select(f => (IReadOnlyList<object?>)KeyCodec.Decode(f.Key)).ToList();
            var rows = new List<object?[]>();
            await foreach (var row in ctx.Source.ReadAsync(e.SourceRead(keys: keys), ct).ConfigureAwait(false))
            {
                rows.Add(row);
            }
            if (e.IsRekeyed)
            {
                // Rows that never got a new id (a bad time_from value since fixed, say) get one now; those that still
                // cannot have their reason recorded afresh, which is read back so it is not replaced by a generic one.
                await Ids.IdMapBuilder.MapRowsAsync(ctx, e, new Ids.UlidGenerator(ctx.Time), rows, group.First().RunId, ct).ConfigureAwait(false);
                byKey = (await state.FailuresAsync(e.Name, unresolvedOnly: true, ct).ConfigureAwait(false)).Where(f => byKey.ContainsKey(f.Key)).ToDictionary(f => f.Key);
            }
            var seen = new HashSet<string>();
            var fixedHere = 0;
            var transformed = await new Transform.RowTransformer(e, state).TransformAsync(rows, ct).ConfigureAwait(false);
            var updates = new List<FailureRecord>();
            foreach (var t in transformed)
            {
                var key = KeyCodec.Encode(e.KeyOf(t.Source));
                seen.Add(key);
                var failure = byKey[key];
                if (!t.Ok)
                {
                    updates.Add(t.Code == failure.Code && t.Code == ErrorCodes.RekeyFailed ? failure : failure with { Code = t.Code!, Message = t.Message!, At = ctx.Time.GetUtcNow() });
                    continue;
                }
                var result = await ctx.Target.WriteBatchAsync(e.Target, [t.Target!], WriteMode.Upsert, stopOnFirstFailure: false, ct).ConfigureAwait(false);
                if (result.Failures.Count == 0)
                {
                    await state.ResolveFailureAsync(failure.Id, ct).ConfigureAwait(false);
                    fixedHere++;
                }
                else
                {
                    updates.Add(failure with { Code = result.Failures[0].Code, Message = result.Failures[0].Message, At = ctx.Time.GetUtcNow() });
                }
            }
            foreach (var f in group.Where(f => !seen.Contains(f.Key)))
            {
                // The row is no longer in the source: nothing is left to copy, so the record is closed.
                await state.ResolveFailureAsync(f.Id, ct).ConfigureAwait(false);
                gone++;
            }
            if (fixedHere > 0)
            {
                await CountWrittenAsync(state, group.First().RunId, e.Name, fixedHere, ct).ConfigureAwait(false);
                fixedCount += fixedHere;
            }
            if (updates.Count > 0)
            {
                await state.RecordFailuresAsync(updates, ct).ConfigureAwait(false);
                still += updates.Count;
                remaining.AddRange(updates.Select(u => $"{u.Entity} {Value.DisplayKey(KeyCodec.Decode(u.Key))}: {u.Code}: {u.Message}"));
            }
        }
        await state.AuditAsync("retry", $"{failures.Count} attempted, {fixedCount} fixed, {still} still failing, {gone} gone from source", ct).ConfigureAwait(false);
        return new RetryResult(failures.Count, fixedCount, still, gone, remaining);
    }

    /// <summary>Rows written by retry count as written in the run's progress, so status adds up.</summary>
    private static async Task CountWrittenAsync(IStateStore state, string runId, string entity, int rows, CancellationToken ct)
    {
        var p = (await state.ProgressAsync(runId, ct).ConfigureAwait(false)).FirstOrDefault(x => x.Entity == entity);
        if (p is not null)
        {
            await state.SaveProgressAsync(p with { Written = p.Written + rows, Rejected = Math.Max(0, p.Rejected - rows) }, ct).ConfigureAwait(false);
        }
    }
}

using Cutover.Connectors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// The id map of one re-keyed entity, checked three ways: every source key has a new id (rows recorded as failed and
/// unresolved are counted apart: they have none by design), no new id belongs to two source keys, and every target row's
/// key is a new id of the map. Source and target keys stream in batches looked up in the state store; what is held in
/// memory is the entity's unresolved failure keys (as <see cref="Verifier"/> holds them) and one batch.
/// </summary>
internal static class IdMapAuditor
{
    private const int Batch = 1000;

    public static async Task<IReadOnlyList<AuditFinding>> AuditAsync(MigrationContext ctx, BoundEntity e, bool targetExists, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var findings = new List<AuditFinding>();
        var failed = (await state.FailuresAsync(e.Name, unresolvedOnly: true, ct).ConfigureAwait(false)).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);

        var source = await SourceKeysAsync(ctx, state, e, failed, ct).ConfigureAwait(false);
        var subject = $"{e.Name}: source keys mapped";
        findings.Add(source.Missing == 0
            ? new AuditFinding(AuditChecks.IdMap, subject, true, 0, $"{Auditor.Rows(source.Rows - source.Failed, "source row")} {(source.Rows - source.Failed == 1 ? "has" : "have")} a new id", [])
            : new AuditFinding(AuditChecks.IdMap, subject, false, source.Missing,
                $"{source.Missing} of {Auditor.Rows(source.Rows - source.Failed, "source row")} {(source.Missing == 1 ? "has" : "have")} no new id" +
                (source.Failed > 0 ? $" (not counting {source.Failed} recorded as failed)" : ""), source.Samples));
        if (source.Failed > 0)
        {
            // Not a fault of the map: the copy recorded why these rows could not be re-keyed or written.
            findings.Add(new AuditFinding(AuditChecks.IdMap, $"{e.Name}: failed rows", true, source.Failed,
                $"{Auditor.Rows(source.Failed, "source row")} recorded as failed (unresolved) {(source.Failed == 1 ? "has" : "have")} no new id; see cutover status, fix them, cutover retry",
                source.FailedSamples));
        }

        var (duplicates, duplicateSamples) = await state.DuplicateNewIdsAsync(e.Name, AuditChecks.Samples, ct).ConfigureAwait(false);
        findings.Add(new AuditFinding(AuditChecks.IdMap, $"{e.Name}: new ids unique", duplicates == 0, duplicates,
            duplicates == 0 ? "no new id belongs to two source keys" : $"{Auditor.Rows(duplicates, "new id")} {(duplicates == 1 ? "is" : "are each")} mapped from more than one source key",
            duplicateSamples));

        subject = $"{e.Name}: target keys in map";
        if (!targetExists)
        {
            findings.Add(new AuditFinding(AuditChecks.IdMap, subject, false, 0, $"table {e.Target.Name} does not exist on the target", []));
        }
        else
        {
            var (rows, missing, samples) = await TargetKeysAsync(ctx, state, e, ct).ConfigureAwait(false);
            findings.Add(missing == 0
                ? new AuditFinding(AuditChecks.IdMap, subject, true, 0, $"{Auditor.Rows(rows, "target row")} {(rows == 1 ? "has" : "have")} a new id of the map as key", [])
                : new AuditFinding(AuditChecks.IdMap, subject, false, missing,
                    $"{missing} of {Auditor.Rows(rows, "target row")} {(missing == 1 ? "has a key that is" : "have keys that are")} not a new id of the map", samples));
        }
        return findings;
    }

    /// <summary>Source rows read, rows without a new id (with samples), and those of them recorded as failed (with samples).</summary>
    private sealed class SourceTally
    {
        public long Rows { get; set; }
        public long Missing { get; set; }
        public List<string> Samples { get; } = [];
        public long Failed { get; set; }
        public List<string> FailedSamples { get; } = [];
    }

    private static async Task<SourceTally> SourceKeysAsync(MigrationContext ctx, IStateStore state, BoundEntity e, HashSet<string> failed, CancellationToken ct)
    {
        var tally = new SourceTally();
        var batch = new List<object?>(Batch);
        async Task FlushAsync()
        {
            var mapped = await state.LookupIdsAsync(e.Name, batch.OfType<object>().Where(k => k is long or string).ToList(), ct).ConfigureAwait(false);
            foreach (var key in batch)
            {
                if (key is not null && mapped.ContainsKey(key))
                {
                    continue;
                }
                if (failed.Count > 0 && failed.Contains(KeyCodec.Encode([key])))
                {
                    tally.Failed++;
                    Sample(tally.FailedSamples, key);
                }
                else
                {
                    tally.Missing++;
                    Sample(tally.Samples, key);
                }
            }
            tally.Rows += batch.Count;
            batch.Clear();
        }
        var read = new ReadRequest(e.Source.Name, e.SourceKey, e.SourceKey, e.KeyIsRowid);
        await foreach (var row in ctx.Source.ReadAsync(read, ct).ConfigureAwait(false))
        {
            batch.Add(row[0]);
            if (batch.Count == Batch)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }
        await FlushAsync().ConfigureAwait(false);
        return tally;
    }

    private static async Task<(long Rows, long Missing, List<string> Samples)> TargetKeysAsync(MigrationContext ctx, IStateStore state, BoundEntity e, CancellationToken ct)
    {
        long rows = 0, missing = 0;
        var samples = new List<string>();
        var batch = new List<object?>(Batch);
        async Task FlushAsync()
        {
            var ids = batch.OfType<string>().ToList();
            var mapped = ids.Count == 0 ? new HashSet<string>() : await state.MappedNewIdsAsync(e.Name, ids, ct).ConfigureAwait(false);
            foreach (var key in batch)
            {
                // A key that is not text (a number written by hand, say) is never a ULID of the map.
                if (key is not string id || !mapped.Contains(id))
                {
                    missing++;
                    Sample(samples, key);
                }
            }
            rows += batch.Count;
            batch.Clear();
        }
        var key = e.Target.Key;
        await foreach (var row in ctx.Target.ReadAsync(new ReadRequest(e.Target.Name, key, key, false), ct).ConfigureAwait(false))
        {
            batch.Add(row[0]);
            if (batch.Count == Batch)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }
        await FlushAsync().ConfigureAwait(false);
        return (rows, missing, samples);
    }

    private static void Sample(List<string> samples, object? key)
    {
        if (samples.Count < AuditChecks.Samples)
        {
            samples.Add(Value.DisplayKey([key]));
        }
    }
}

using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Internal;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;

namespace Cutover.Verification;

/// <summary>What <see cref="ConflictReconciler.RunAsync"/> works on and how.</summary>
public sealed record ReconcileOptions
{
    /// <summary>The strategy for every conflict (<c>--strategy</c>); null: the entity's <c>reconcile:</c>, the plan's, then by conflict (a partial write: the side that took it; a shadow mismatch: the side that leads).</summary>
    public ReconcileStrategy? Strategy { get; init; }

    /// <summary>Only these conflict ids (<c>--ids</c>); null for all open ones.</summary>
    public IReadOnlyCollection<long>? Ids { get; init; }

    /// <summary>Only the conflicts of this entity (<c>--entity</c>); null for all.</summary>
    public string? Entity { get; init; }

    /// <summary>Write nothing, resolve nothing: say what would be copied or deleted, in which direction.</summary>
    public bool DryRun { get; init; }
}

/// <summary>
/// One conflict after reconcile: what was done to its key (<see cref="Action"/> <c>copy</c>, <c>delete</c> or <c>none</c>;
/// <see cref="Direction"/> <c>old-&gt;new</c>, <c>new-&gt;old</c> or null), whether its key now matches on both sides and it
/// was resolved, and if not, why (<see cref="ErrorCode"/>, <see cref="Error"/>).
/// </summary>
public sealed record ReconciledConflict(
    ConflictRecord Conflict,
    ReconcileStrategy Strategy,
    string Action,
    string? Direction,
    bool Resolved,
    string? ErrorCode,
    string? Error)
{
    public const string Copy = "copy";
    public const string Delete = "delete";
    public const string None = "none";
    public const string OldToNew = "old->new";
    public const string NewToOld = "new->old";

    /// <summary>The resolution recorded, when <see cref="Resolved"/>.</summary>
    public string? Resolution => Resolved ? Strategy.Resolution() : null;

    /// <summary>
    /// Neither store has a row under the key: they agree, so the conflict is settled, but this is also what a router whose
    /// <c>KeyText</c> records keys unlike the store (another case, a GUID's format) looks like, so it is reported apart.
    /// </summary>
    public bool AbsentOnBothSides { get; init; }
}

/// <summary>The outcome of one reconcile: the strategy that applied by default and why, and each conflict it handled.</summary>
public sealed record ReconcileResult(ReconcileStrategy Strategy, string StrategyFrom, bool DryRun, IReadOnlyList<ReconciledConflict> Conflicts)
{
    /// <summary>How <see cref="StrategyFrom"/> starts when no strategy was given anywhere and each conflict is settled by its own kind.</summary>
    public const string ByConflict = "by conflict:";

    /// <summary>No strategy given anywhere: <see cref="Strategy"/> is the leader's, and partial writes may go the other way.</summary>
    public bool IsByConflict => StrategyFrom.StartsWith(ByConflict, StringComparison.Ordinal);

    public int Resolved => Conflicts.Count(c => c.Resolved);

    public int Unresolved => Conflicts.Count - Resolved;
}

/// <summary>
/// Settles the dual-write conflict journal (issue 6). For each open conflict, grouped by entity and key: old-wins makes the
/// new (target) row equal the old (source) row through the plan's transforms (what <c>cutover repair --keys</c> does);
/// new-wins does the same the other way, through the reverse binding (<see cref="Sync.ReverseBinder"/>); manual writes
/// nothing. Then exactly those keys are compared on both sides, and a conflict is resolved only when its key matches.
/// </summary>
public static class ConflictReconciler
{
    public static async Task<ReconcileResult> RunAsync(MigrationContext ctx, ReconcileOptions options, CancellationToken ct)
    {
        var state = ctx.State;
        if (options.Entity is { } only && !ctx.Entities.Any(e => string.Equals(e.Name, only, StringComparison.OrdinalIgnoreCase)))
        {
            throw new CutoverException(ErrorCodes.UsageInvalid,
                $"--entity {only}: plan '{ctx.Plan.Name}' has no such entity (entities: {string.Join(", ", ctx.Entities.Select(x => x.Name))})");
        }
        var control = state is null ? null : RoutingControl.Parse(await state.GetValueAsync(ControlKeys.Routing, ct).ConfigureAwait(false));
        var leader = ReconcileStrategies.FromLeader(control ?? RoutingControl.Initial(ctx.Time.GetUtcNow()));
        var (strategy, from) = options.Strategy is { } given ? (given, "--strategy")
            : ctx.Plan.Reconcile is { } planned ? (planned, "the plan's reconcile:")
            : (leader.Strategy, $"by conflict: a partial write to the side that took it, a shadow mismatch to the leader ({leader.Why})");
        if (state is null)
        {
            // A dry run of a plan that has no state yet: no journal, nothing to reconcile.
            return new ReconcileResult(strategy, from, options.DryRun, []);
        }
        var journal = await state.ConflictsAsync(unresolvedOnly: false, ct).ConfigureAwait(false);
        if (options.Ids is { } ids && ids.Where(id => !journal.Any(c => c.Id == id)).ToList() is { Count: > 0 } unknown)
        {
            throw new CutoverException(ErrorCodes.UsageInvalid,
                $"--ids: no conflict {string.Join(", ", unknown)} in the journal of plan '{ctx.Plan.Name}' (cutover conflicts PLAN --all lists them)");
        }
        var open = journal
            .Where(c => c.ResolvedAt is null)
            .Where(c => options.Ids is null || options.Ids.Contains(c.Id))
            .Where(c => options.Entity is null || string.Equals(c.Entity, options.Entity, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var results = new List<ReconciledConflict>();
        ITargetStore? sourceWriter = null;
        try
        {
            foreach (var group in open.GroupBy(c => ctx.Entities.FirstOrDefault(e => string.Equals(e.Name, c.Entity, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(g => g.Key is null ? int.MaxValue : ctx.Entities.ToList().IndexOf(g.Key)))
            {
                if (group.Key is not { } e)
                {
                    results.AddRange(group.Select(c => new ReconciledConflict(c, strategy, ReconciledConflict.None, null, false, ErrorCodes.ConflictEntityUnknown,
                        $"'{c.Entity}' is not an entity of plan '{ctx.Plan.Name}' (entities: {string.Join(", ", ctx.Entities.Select(x => x.Name))}); left open")));
                    continue;
                }
                var chosen = options.Strategy ?? e.Plan.Reconcile ?? ctx.Plan.Reconcile;
                foreach (var byStrategy in group.GroupBy(c => c.Key, StringComparer.Ordinal)
                    .GroupBy(k => chosen ?? ByFailedSide(k) ?? leader.Strategy))
                {
                    var keys = byStrategy.ToList();
                    try
                    {
                        if (byStrategy.Key == ReconcileStrategy.NewWins)
                        {
                            if (!options.DryRun)
                            {
                                // The forward comparison of this entity's chunks is out of date once its source rows change.
                                ChunkCheckpoint.Forget(ctx.Plan.StateDirectory, e.Name);
                            }
                            sourceWriter ??= await ctx.Registry.For(ctx.Plan.Source, "source")
                                .OpenTargetAsync(ctx.Plan.Source, ctx.Plan.BaseDirectory, readOnly: options.DryRun, ct).ConfigureAwait(false);
                        }
                        results.AddRange(byStrategy.Key switch
                        {
                            ReconcileStrategy.OldWins => await OldWinsAsync(ctx, e, keys, options.DryRun, ct).ConfigureAwait(false),
                            ReconcileStrategy.NewWins => await NewWinsAsync(ctx, sourceWriter!, e, keys, options.DryRun, ct).ConfigureAwait(false),
                            _ => await ManualAsync(ctx, e, keys, options.DryRun, ct).ConfigureAwait(false),
                        });
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                    {
                        // One entity's failure (a constraint the winning row breaks, a store that refuses the key) leaves its
                        // conflicts open with the reason; the others are still settled, resolved and audited.
                        var (code, message) = ex is CutoverException ce ? (ce.Code, ce.Message) : (ErrorCodes.Internal, $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
                        results.AddRange(keys.SelectMany(k => k).Select(c => new ReconciledConflict(c, byStrategy.Key, ReconciledConflict.None, null, false, code,
                            $"{byStrategy.Key.Words()} failed for {e.Name}: {message}; left open")));
                    }
                }
            }
        }
        finally
        {
            if (sourceWriter is not null)
            {
                await sourceWriter.DisposeAsync().ConfigureAwait(false);
            }
            if (!options.DryRun)
            {
                // Also after Ctrl-C: what was settled is recorded, and the audit log says what was written.
                await RecordAsync(state, strategy, from, results).ConfigureAwait(false);
            }
        }
        return new ReconcileResult(strategy, from, options.DryRun, results);
    }

    /// <summary>
    /// With no strategy given anywhere, a partial write is settled by the side that took it: the write the caller was told
    /// succeeded when the follower failed (so it is never lost, whoever leads now), and the leader's state when the leader
    /// failed. Null for a key whose latest conflict is a shadow mismatch: the leader decides.
    /// </summary>
    private static ReconcileStrategy? ByFailedSide(IGrouping<string, ConflictRecord> key) =>
        key.MaxBy(c => c.Id) is { Kind: ConflictRecord.PartialWrite, FailedSide: { } failed }
            ? failed == RoutingControl.LeadOld ? ReconcileStrategy.NewWins : ReconcileStrategy.OldWins
            : null;

    private static async Task RecordAsync(IStateStore state, ReconcileStrategy strategy, string from, List<ReconciledConflict> results)
    {
        foreach (var r in results.Where(r => r.Resolved))
        {
            await state.ResolveConflictAsync(r.Conflict.Id, r.Resolution!, CancellationToken.None).ConfigureAwait(false);
            CutoverMetrics.ConflictsResolved.Add(1, new KeyValuePair<string, object?>("entity", r.Conflict.Entity), new KeyValuePair<string, object?>("resolution", r.Resolution));
        }
        if (results.Count > 0)
        {
            await state.AuditAsync("reconcile", $"{strategy.Words()} ({from}): {results.Count(r => r.Resolved)} resolved, {results.Count(r => !r.Resolved)} still open"
                + string.Concat(results.GroupBy(r => (r.Conflict.Entity, r.Strategy)).Select(g =>
                    $"; {g.Key.Entity} ({g.Key.Strategy.Words()}): {g.Count(r => r.Resolved)} resolved, {g.Count(r => !r.Resolved)} open")), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The new row made equal to the old one: repair of exactly these keys, with its re-verification.</summary>
    private static async Task<List<ReconciledConflict>> OldWinsAsync(MigrationContext ctx, BoundEntity e, IReadOnlyList<IGrouping<string, ConflictRecord>> keys, bool dryRun,
        CancellationToken ct)
    {
        var (requests, results) = Requests(e, keys, ReconcileStrategy.OldWins);
        var repaired = await Repairer.RunAsync(ctx, requests.Select(r => r.Request).ToList(), dryRun, audit: false, ct).ConfigureAwait(false);
        foreach (var (request, conflicts) in requests)
        {
            var done = repaired.Entities.FirstOrDefault(x => ReferenceEquals(x.Request, request));
            results.AddRange(Outcome(conflicts, ReconcileStrategy.OldWins, ReconciledConflict.OldToNew, done, check: done, dryRun));
        }
        return results;
    }

    /// <summary>
    /// The old row made equal to the new one: repair in the other direction (the target read as the source, the source written
    /// as the target, through the reverse binding), then the keys compared the usual way, old through the transforms to new.
    /// </summary>
    private static async Task<List<ReconciledConflict>> NewWinsAsync(MigrationContext ctx, ITargetStore sourceWriter, BoundEntity e,
        IReadOnlyList<IGrouping<string, ConflictRecord>> keys, bool dryRun, CancellationToken ct)
    {
        BoundEntity back;
        try
        {
            var schema = await ctx.Target.InspectAsync(ct).ConfigureAwait(false);
            back = Sync.ReverseBinder.Bind(ctx.Plan, [e], schema).Single();
        }
        catch (CutoverException ex)
        {
            return keys.SelectMany(k => k).Select(c => new ReconciledConflict(c, ReconcileStrategy.NewWins, ReconciledConflict.None, null, false,
                ErrorCodes.ConflictNotReversible, $"new wins cannot write {e.Name} back to the old store: {ex.Message}; left open (reconcile it with --strategy old-wins or manual)")).ToList();
        }
        var reverse = new MigrationContext
        {
            Plan = ctx.Plan,
            Entities = [back],
            Source = ctx.Target,
            Target = sourceWriter,
            State = ctx.State,
            Registry = ctx.Registry,
            Time = ctx.Time,
            Logger = ctx.Logger,
            ChunkRows = ctx.ChunkRows,
        };
        // Not disposed: it borrows the command's target and state and the caller's source writer.
        var (backRequests, results) = Requests(back, keys, ReconcileStrategy.NewWins);
        var written = await Repairer.RunAsync(reverse, backRequests.Select(r => r.Request).ToList(), dryRun, audit: false, ct, reverse: true).ConfigureAwait(false);
        var (forwardRequests, _) = Requests(e, keys, ReconcileStrategy.NewWins);
        var check = dryRun ? null : await Repairer.CheckAsync(ctx, forwardRequests.Select(r => r.Request).ToList(), ct).ConfigureAwait(false);
        var forwardByKey = forwardRequests.ToDictionary(f => f.Conflicts[0].Key, f => f.Request, StringComparer.Ordinal);
        foreach (var (request, conflicts) in backRequests)
        {
            var done = written.Entities.FirstOrDefault(x => ReferenceEquals(x.Request, request));
            var checkedKey = forwardByKey.TryGetValue(conflicts[0].Key, out var forward)
                ? check?.Entities.FirstOrDefault(x => ReferenceEquals(x.Request, forward))
                : null;
            results.AddRange(Outcome(conflicts, ReconcileStrategy.NewWins, ReconciledConflict.NewToOld, done, checkedKey, dryRun));
        }
        return results;
    }

    /// <summary>Nothing written: each key compared on both sides; those that agree now (fixed by hand) are resolved.</summary>
    private static async Task<List<ReconciledConflict>> ManualAsync(MigrationContext ctx, BoundEntity e, IReadOnlyList<IGrouping<string, ConflictRecord>> keys, bool dryRun,
        CancellationToken ct)
    {
        var (requests, results) = Requests(e, keys, ReconcileStrategy.Manual);
        var check = await Repairer.CheckAsync(ctx, requests.Select(r => r.Request).ToList(), ct).ConfigureAwait(false);
        foreach (var (request, conflicts) in requests)
        {
            var found = check.Entities.FirstOrDefault(x => ReferenceEquals(x.Request, request));
            var problem = Problem(found);
            var absent = problem is null && found is { Copied.Count: 0, Deleted.Count: 0 };
            results.AddRange(conflicts.Select(c => new ReconciledConflict(c, ReconcileStrategy.Manual, ReconciledConflict.None, null, !dryRun && problem is null,
                problem?.Code, problem is null ? null : problem.Value.Message + "; fix it by hand, or reconcile it with old-wins or new-wins") { AbsentOnBothSides = absent }));
        }
        return results;
    }

    /// <summary>
    /// One repair request per distinct key text (its conflicts travel with it), parsed against <paramref name="e"/>'s key;
    /// conflicts whose key does not parse are answered at once with <see cref="ErrorCodes.ConflictKeyInvalid"/>.
    /// </summary>
    private static (List<(RepairRequest Request, IReadOnlyList<ConflictRecord> Conflicts)> Requests, List<ReconciledConflict> Refused) Requests(
        BoundEntity e, IReadOnlyList<IGrouping<string, ConflictRecord>> keys, ReconcileStrategy strategy)
    {
        var requests = new List<(RepairRequest, IReadOnlyList<ConflictRecord>)>();
        var refused = new List<ReconciledConflict>();
        foreach (var k in keys)
        {
            if (RepairKeys.TryParseOne(k.Key, e, out var problem) is { } key)
            {
                requests.Add((new RepairRequest(e, [key], [], Typed: false), k.ToList()));
            }
            else
            {
                refused.AddRange(k.Select(c => new ReconciledConflict(c, strategy, ReconciledConflict.None, null, false, ErrorCodes.ConflictKeyInvalid, problem + "; left open")));
            }
        }
        return (requests, refused);
    }

    /// <summary>What a repair did to one key (copy, delete or nothing) and whether the comparison afterwards found it equal.</summary>
    private static IEnumerable<ReconciledConflict> Outcome(IReadOnlyList<ConflictRecord> conflicts, ReconcileStrategy strategy, string direction,
        RepairedEntity? done, RepairedEntity? check, bool dryRun)
    {
        var action = done is null ? ReconciledConflict.None
            : done.Copied.Count > 0 ? ReconciledConflict.Copy
            : done.Deleted.Count > 0 ? ReconciledConflict.Delete
            : ReconciledConflict.None;
        var problem = Problem(done) ?? (dryRun ? null : Problem(check) ?? (check is null ? (ErrorCodes.Internal, "the key was not compared again") : null));
        // Nothing to copy and nothing to delete: neither store has a row under this key.
        var absent = problem is null && done is not null && action == ReconciledConflict.None;
        return conflicts.Select(c => new ReconciledConflict(c, strategy, action, action == ReconciledConflict.None ? null : direction, !dryRun && problem is null,
            problem?.Code, problem?.Message) { AbsentOnBothSides = absent });
    }

    /// <summary>Why a key does not match after repair or check: a row the transforms refuse, or what still differs; null when it matches.</summary>
    private static (string Code, string Message)? Problem(RepairedEntity? r) =>
        r is null ? null
        : r.NotRepaired.Count > 0 ? (r.NotRepaired[0].Code, $"{Values.Value.DisplayKey(r.NotRepaired[0].Key)}: {r.NotRepaired[0].Message}")
        : r.StillDiffering.Count > 0 ? (ErrorCodes.RowsDiffer, r.StillDiffering[0])
        : null;
}

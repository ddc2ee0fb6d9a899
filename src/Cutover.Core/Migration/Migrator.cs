using System.Diagnostics;
using Cutover.Backup;
using Cutover.Checks;
using Cutover.Copy;
using Cutover.Errors;
using Cutover.Ids;
using Cutover.Internal;
using Cutover.Plan;
using Cutover.Preflight;
using Cutover.State;
using Cutover.Verification;

namespace Cutover.Migration;

/// <summary>
/// Runs a plan through its phases: preflight, backup, schema, id map, copy, indexes, verify, checks. Picks up
/// an interrupted or failed run where it stopped. The caller holds the plan lock.
/// </summary>
public static class Migrator
{
    public static async Task<MigrationResult> RunAsync(MigrationContext ctx, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var latest = await state.LatestRunAsync(ct).ConfigureAwait(false);
        if (latest?.Status == RunStatus.Completed)
        {
            return new MigrationResult
            {
                RunId = latest.Id,
                Status = latest.Status,
                Phase = latest.Phase,
                AlreadyComplete = true,
                Entities = await CopyParts.ForPeopleAsync(state, latest.Id, ct).ConfigureAwait(false),
            };
        }
        var fresh = latest is null || latest.Status == RunStatus.RolledBack;
        var run = fresh
            ? await state.StartRunAsync(ctx.Plan.Name, ctx.Plan.Hash, ct).ConfigureAwait(false)
            : latest! with { Status = RunStatus.Running, PlanHash = ctx.Plan.Hash, ErrorCode = null, ErrorMessage = null };
        await state.UpdateRunAsync(run, ct).ConfigureAwait(false);
        await state.AuditAsync(fresh ? "migrate.start" : "migrate.resume", $"run {run.Id} of plan {ctx.Plan.Name} ({ctx.SourceDisplay} -> {ctx.TargetDisplay})", ct).ConfigureAwait(false);
        if (!fresh && latest!.PlanHash != ctx.Plan.Hash)
        {
            ctx.Observer.Warn("the plan file changed since this run started; resuming with the new plan");
        }
        var clock = Stopwatch.StartNew();
        var result = new MigrationResult { RunId = run.Id, Resumed = !fresh };
        try
        {
            result = await PhasesAsync(ctx, run, result, ct).ConfigureAwait(false);
            // Thrown here, not in the phases, so a failed run still reports the verification and checks it ran.
            ThrowIfMismatch(result.Verification);
            ThrowIfChecksFailed(result.Checks);
            run = run with { Phase = Phases.Complete, Status = RunStatus.Completed, FinishedAt = ctx.Time.GetUtcNow(), ActiveSeconds = run.ActiveSeconds + clock.Elapsed.TotalSeconds };
            await state.UpdateRunAsync(run, ct).ConfigureAwait(false);
            await state.AuditAsync("migrate.complete", $"run {run.Id}: {result.Entities.Sum(e => e.Written)} rows written, {result.RowsRejected} rejected", ct).ConfigureAwait(false);
            return result with { Status = RunStatus.Completed, Phase = Phases.Complete, Seconds = clock.Elapsed.TotalSeconds };
        }
        catch (Exception ex)
        {
            var code = ex switch
            {
                CutoverException ce => ce.Code,
                OperationCanceledException => ErrorCodes.Interrupted,
                _ => ErrorCodes.Internal,
            };
            var phase = run.Phase;
            try
            {
                phase = (await state.LatestRunAsync(CancellationToken.None).ConfigureAwait(false))?.Phase ?? run.Phase;
                run = run with { Phase = phase, Status = RunStatus.Failed, ErrorCode = code, ErrorMessage = ex.Message, ActiveSeconds = run.ActiveSeconds + clock.Elapsed.TotalSeconds };
                await state.UpdateRunAsync(run, CancellationToken.None).ConfigureAwait(false);
                await state.AuditAsync("migrate.failed", $"run {run.Id} in {phase}: {code} {ex.Message}", CancellationToken.None).ConfigureAwait(false);
            }
            catch (CutoverException recording) when (recording.IsTransient)
            {
                // The state database is down too (often the same server). The run stays recorded as running, which
                // status shows as interrupted and the next migrate resumes; the error to report is the first one.
                ctx.Observer.Warn($"could not record the failure in the state store ({recording.Message}); the next 'cutover migrate' resumes the run");
            }
            Log.RunFailed(ctx.Logger, run.Id, phase, code, ex.Message);
            if (code == ErrorCodes.Internal)
            {
                // Recorded as failed (so status tells the truth), then shown to the user by the CLI's one-line handler.
                throw;
            }
            return result with
            {
                Status = RunStatus.Failed,
                Phase = phase,
                ErrorCode = code,
                ErrorMessage = code == ErrorCodes.Interrupted ? "interrupted; run the same command again to resume" : ex.Message,
                ErrorDetails = (ex as CutoverException)?.Details ?? [],
                Entities = await CopyParts.ForPeopleAsync(state, run.Id, CancellationToken.None).ConfigureAwait(false),
                Seconds = clock.Elapsed.TotalSeconds,
            };
        }
    }

    private static async Task<RunRecord> EnterAsync(MigrationContext ctx, RunRecord run, string phase, string detail, CancellationToken ct)
    {
        run = run with { Phase = phase };
        await ctx.RequireState().UpdateRunAsync(run, ct).ConfigureAwait(false);
        Log.PhaseStarted(ctx.Logger, run.Id, phase);
        ctx.Observer.Phase(phase, detail);
        return run;
    }

    private static async Task<MigrationResult> PhasesAsync(MigrationContext ctx, RunRecord run, MigrationResult result, CancellationToken ct)
    {
        var state = ctx.RequireState();
        var progress = (await state.ProgressAsync(run.Id, ct).ConfigureAwait(false)).ToDictionary(p => p.Entity);
        // The phases around the copy retry a dropped source or target connection the way the copy does; each step
        // below is safe to run again (preflight and verification only read, backups taken are kept, tables are made once).
        var retry = CopyResilience.Create(ctx.Time, ctx.Observer, ctx.Logger, ctx.Retry);
        var runId = run.Id;

        run = await EnterAsync(ctx, run, Phases.Preflight, "checking source, target, disk and keys", ct).ConfigureAwait(false);
        var findings = await retry.ExecuteAsync(async t => await PreflightInspector.InspectAsync(ctx, freshRun: progress.Count == 0, t).ConfigureAwait(false), ct).ConfigureAwait(false);
        result = result with { Preflight = findings };
        PreflightInspector.ThrowIfFailed(findings);

        if (ctx.Plan.Capture != Capture.CaptureMode.None)
        {
            // Before the first row is read, so every write from here on is either in the copy or in the changelog (or both: applying is idempotent).
            run = await EnterAsync(ctx, run, Phases.Capture, $"recording writes on the source ({ctx.Plan.Capture.ToString().ToLowerInvariant()})", ct).ConfigureAwait(false);
            await retry.ExecuteAsync(async t =>
            {
                await using var path = await Sync.SyncPath.OpenCaptureAsync(ctx, Sync.SyncDirection.Forward, t).ConfigureAwait(false);
                await path.StartAsync(ctx.Entities.Select(e => new Capture.CaptureTable(e.Source.Name, e.SourceColumns, e.SourceKey, e.KeyIsRowid)).ToList(), t).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            await state.SetValueAsync(ControlKeys.Authority, "source", ct).ConfigureAwait(false);
        }

        run = await EnterAsync(ctx, run, Phases.Backup, BackupManager.PhaseDetail(ctx.Plan.Backup), ct).ConfigureAwait(false);
        result = result with { Backups = await retry.ExecuteAsync(async t => await BackupManager.TakeAsync(ctx, runId, t).ConfigureAwait(false), ct).ConfigureAwait(false) };

        run = await EnterAsync(ctx, run, Phases.Schema, "creating target tables", ct).ConfigureAwait(false);
        var created = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in ctx.Entities.Where(e => !progress.ContainsKey(e.Name)))
        {
            var total = await retry.ExecuteAsync(async t => await CreateTableAsync(ctx, e, created, t).ConfigureAwait(false), ct).ConfigureAwait(false);
            var p = new EntityProgress(run.Id, e.Name, total, 0, 0, 0, null, 0, "pending", 0);
            await state.SaveProgressAsync(p, ct).ConfigureAwait(false);
            progress[e.Name] = p;
        }

        if (ctx.Entities.Any(e => e.IsRekeyed))
        {
            run = await EnterAsync(ctx, run, Phases.IdMap, "assigning new ULIDs", ct).ConfigureAwait(false);
            foreach (var e in ctx.Entities.Where(e => e.IsRekeyed))
            {
                // Resumable from its checkpoint, so a retry goes on where the dropped read stopped.
                await retry.ExecuteAsync(async t => await IdMapBuilder.BuildAsync(ctx, e, runId, t).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
        }

        var jobs = CopyScheduler.Jobs(ctx);
        if (jobs < ctx.Jobs)
        {
            ctx.Observer.Warn($"target {ctx.TargetDisplay} takes one writer at a time; copying with 1 job instead of {ctx.Jobs}");
        }
        run = await EnterAsync(ctx, run, Phases.Copy,
            $"{ctx.Entities.Count} entities, batches of {ctx.Plan.BatchSize}" + (jobs > 1 ? $", {jobs} jobs" : ""), ct).ConfigureAwait(false);
        await CopyScheduler.CopyAsync(ctx, run.Id, progress, ct).ConfigureAwait(false);
        result = result with { Entities = await CopyParts.ForPeopleAsync(state, run.Id, ct).ConfigureAwait(false) };

        run = await EnterAsync(ctx, run, Phases.Indexes, "building keys, indexes and foreign keys" + (jobs > 1 ? $", {jobs} jobs" : ""), ct).ConfigureAwait(false);
        await IndexesAsync(ctx, jobs, ct).ConfigureAwait(false);

        if (ctx.Plan.Capture != Capture.CaptureMode.None)
        {
            await retry.ExecuteAsync(async t => await GuardTargetAsync(ctx, t).ConfigureAwait(false), ct).ConfigureAwait(false);
        }
        if (ctx.Plan.Capture != Capture.CaptureMode.None && ctx.Plan.Verify != VerifyMode.None)
        {
            // The source keeps changing, so the target matches it only once sync has caught up with writes frozen: cutover verifies then.
            result = result with { LiveCapture = ctx.Plan.Capture };
            ctx.Observer.Info($"verification deferred: the source is live (capture: {ctx.Plan.Capture.ToString().ToLowerInvariant()}); 'cutover sync' catches the target up and 'cutover cutover' verifies with writes frozen");
        }
        else if (ctx.Plan.Verify == VerifyMode.None)
        {
            ctx.Observer.Info($"verification skipped (verify: none in the plan); check the copy with: cutover verify {ctx.Plan.FilePath}");
        }
        else
        {
            var counts = ctx.Plan.Verify == VerifyMode.Counts;
            run = await EnterAsync(ctx, run, Phases.Verify, counts ? "row counts on both sides (verify: counts)" : "counts and checksums on both sides", ct).ConfigureAwait(false);
            // Verification only reads, so a dropped connection starts it again.
            var verification = await retry.ExecuteAsync(async t => counts
                ? await Verifier.CountAsync(ctx, ctx.Entities, t).ConfigureAwait(false)
                : await Verifier.VerifyAsync(ctx, ctx.Entities, t).ConfigureAwait(false), ct).ConfigureAwait(false);
            result = result with { Verification = verification };
            if (verification.Any(v => !v.Match))
            {
                return result; // the caller fails the run; checks do not run on a target that differs
            }
        }

        if (ctx.Plan.Checks.Count > 0)
        {
            await EnterAsync(ctx, run, Phases.Checks, $"{ctx.Plan.Checks.Count} custom checks", ct).ConfigureAwait(false);
            // Checks only read, so a dropped connection runs them again; a failing one fails the run in RunAsync.
            result = result with { Checks = await retry.ExecuteAsync(async t => await CheckRunner.RunAsync(ctx, t).ConfigureAwait(false), ct).ConfigureAwait(false) };
        }
        return result;
    }

    /// <summary>
    /// With capture on, the target refuses application writes from the end of the copy until a cut-over makes it
    /// authoritative, so at no moment do two stores take writes. (Sync's own writes pass.) A plan whose writes cannot flow
    /// back (re-keyed entities) leaves the target unguarded and says so; it cannot cut over with reverse capture anyway.
    /// </summary>
    private static async Task GuardTargetAsync(MigrationContext ctx, CancellationToken ct)
    {
        Sync.SyncPath back;
        try
        {
            back = await Sync.SyncPath.OpenAsync(ctx, Sync.SyncDirection.Reverse, ct).ConfigureAwait(false);
        }
        catch (CutoverException ex) when (ex.Code == ErrorCodes.CaptureUnsupported)
        {
            ctx.Observer.Warn($"the target is not guarded against writes: {ex.Message}");
            return;
        }
        await using (back)
        {
            await back.Capture.InstallGuardAsync(back.Tables, ct).ConfigureAwait(false);
            await back.Capture.SetFrozenAsync(true, $"WRITES_FROZEN: plan {ctx.Plan.Name}: the source is authoritative; write there (see: cutover status)", ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates <paramref name="e"/>'s target table (or keeps an existing empty one under <c>if_exists: fail</c>) and
    /// returns the source's row count. Run again after a dropped connection, it finds the table it may just have created
    /// (named in <paramref name="created"/>) and replaces it, rather than taking it for someone else's.
    /// </summary>
    private static async Task<long> CreateTableAsync(MigrationContext ctx, BoundEntity e, HashSet<string> created, CancellationToken ct)
    {
        var exists = await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false);
        var ours = ctx.Plan.IfExists == IfExistsPolicy.Replace || created.Contains(e.Target.Name);
        if (exists && !ours && await ctx.Target.CountAsync(e.Target.Name, ct).ConfigureAwait(false) is > 0 and var rows)
        {
            // Preflight checks this on a fresh run; a run resumed after dying mid-schema must not append to someone else's rows either.
            throw new CutoverException(ErrorCodes.TargetNotEmpty,
                $"target table '{e.Target.Name}' already holds {rows} rows; empty it, choose another target, or set if_exists: replace");
        }
        if (exists && !ours)
        {
            ctx.Observer.Warn($"target table {e.Target.Name} exists and is empty; writing into it as it is");
        }
        else
        {
            created.Add(e.Target.Name);
            await ctx.Target.CreateTableAsync(e.Target, replace: exists, ct).ConfigureAwait(false);
        }
        return await ctx.Source.CountAsync(e.Source.Name, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Keys and indexes of every table (each table a piece for the jobs, like pgcopydb's <c>--index-jobs</c>), then foreign keys
    /// (a foreign key needs its parent's key), then sequences. Every step skips what already exists, so a dropped connection
    /// retries it like a batch, and a resumed run finishes what a killed one started.
    /// </summary>
    private static async Task IndexesAsync(MigrationContext ctx, int jobs, CancellationToken ct)
    {
        var observer = new ParallelObserver(ctx.Observer);
        // Each step skips what exists, so each table's step is retried on its own after a dropped connection.
        Task Step(Func<MigrationContext, BoundEntity, CancellationToken, Task> step) =>
            ParallelJobs.RunAsync(ctx, observer, ctx.Entities, jobs, writeTarget: true, (mine, e, t) =>
                CopyResilience.Create(mine.Time, mine.Observer, mine.Logger, mine.Retry).ExecuteAsync(async token => await step(mine, e, token).ConfigureAwait(false), t).AsTask(), ct);
        await Step((mine, e, t) => mine.Target.CreateIndexesAsync(e.Target, t)).ConfigureAwait(false);
        await Step((mine, e, t) => mine.Target.CreateForeignKeysAsync(e.Target, t)).ConfigureAwait(false);
        await Step((mine, e, t) => mine.Target.FinishTableAsync(e.Target, mine.Source, e.Source.Name, t)).ConfigureAwait(false);
    }

    /// <summary>Throws <c>COUNT_MISMATCH</c> or <c>CHECKSUM_MISMATCH</c> naming every entity that differs.</summary>
    public static void ThrowIfMismatch(IReadOnlyList<EntityVerification> verification)
    {
        var bad = verification.Where(v => !v.Match).ToList();
        if (bad.Count > 0)
        {
            var code = bad.Any(v => v.SourceRows != v.TargetRows) ? ErrorCodes.CountMismatch : ErrorCodes.ChecksumMismatch;
            throw new CutoverException(code, "verification failed for " + string.Join(", ", bad.Select(v => $"{v.Entity} ({v.Problem})")))
            {
                Details = bad.Select(v => $"{v.Entity}: {v.Problem}").ToList(),
            };
        }
    }

    /// <summary>Throws <c>CHECK_FAILED</c> (or <c>CHECK_ERROR</c>) naming every failing check.</summary>
    public static void ThrowIfChecksFailed(IReadOnlyList<CheckResult> checks)
    {
        var failed = checks.Where(c => !c.Passed).ToList();
        if (failed.Count > 0)
        {
            var code = failed.All(c => c.Error is not null) ? ErrorCodes.CheckError : ErrorCodes.CheckFailed;
            throw new CutoverException(code, "check failed: " + string.Join("; ", failed.Select(c => c.Error is null
                ? $"'{c.Name}' expected {c.Expected}, got {c.Actual}"
                : $"'{c.Name}' could not run: {c.Error}")));
        }
    }

    /// <summary>Shows what <see cref="RunAsync"/> would do, writing nothing anywhere.</summary>
    public static async Task<DryRunReport> DryRunAsync(MigrationContext ctx, CancellationToken ct)
    {
        RunRecord? latest = ctx.State is null ? null : await ctx.State.LatestRunAsync(ct).ConfigureAwait(false);
        var resumable = latest is { Status: RunStatus.Running or RunStatus.Failed };
        var progress = resumable ? CopyParts.Rollup(await ctx.State!.ProgressAsync(latest!.Id, ct).ConfigureAwait(false)).ToDictionary(p => p.Entity) : [];
        var fresh = latest is null || latest.Status == RunStatus.RolledBack;
        var findings = await PreflightInspector.InspectAsync(ctx, freshRun: fresh && progress.Count == 0, ct).ConfigureAwait(false);
        var entities = new List<DryRunEntity>();
        foreach (var e in ctx.Entities)
        {
            var rows = await ctx.Source.CountAsync(e.Source.Name, ct).ConfigureAwait(false);
            entities.Add(new DryRunEntity(e.Name, e.Target.Name, e.SourceKey, rows, progress.TryGetValue(e.Name, out var p) ? p.Written : 0,
                Describe(e), ctx.Target.DescribeCreate(e.Target), await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false)));
        }
        var backups = latest?.Status == RunStatus.Completed
            ? ["none: the plan's last run is complete (nothing would be done)"]
            : await BackupManager.PreviewAsync(ctx, ct).ConfigureAwait(false);
        return new DryRunReport(ctx.Plan.Name, ctx.SourceDisplay, ctx.TargetDisplay, ctx.StateDisplay, findings, entities, backups,
            ctx.Plan.Checks.Select(c => $"{c.Name} (on {c.On.ToString().ToLowerInvariant()}): {c.Sql} = {c.Expect}").ToList(),
            resumable ? latest!.Id : null)
        {
            Backup = BackupManager.Text(ctx.Plan.Backup),
        };
    }

    /// <summary>Human-readable list of what the plan does to an entity's rows.</summary>
    public static IReadOnlyList<string> Describe(BoundEntity e)
    {
        var list = new List<string>();
        if (e.Name != e.Target.Name)
        {
            list.Add($"table renamed to {e.Target.Name}");
        }
        foreach (var c in e.Plan.Columns)
        {
            if (c.Drop)
            {
                list.Add($"drop {c.Name}");
                continue;
            }
            if (c.Rename is not null)
            {
                list.Add($"rename {c.Name} -> {c.Rename}");
            }
            if (c.Type is not null)
            {
                list.Add($"cast {c.Name} to {c.Type}");
            }
            if (c.HasDefault)
            {
                list.Add($"default {c.Name} = {Values.Value.Display(c.Default)}");
            }
            if (c.InvalidUtf8 != InvalidUtf8Policy.Keep)
            {
                list.Add($"invalid UTF-8 in {c.Name}: {c.InvalidUtf8.ToString().ToLowerInvariant()}");
            }
        }
        if (e.Plan.Rekey is { } rk)
        {
            list.Add($"rekey {rk.Column} to ULID" + (rk.TimeFrom is null ? "" : $" (time from {rk.TimeFrom})"));
        }
        foreach (var m in e.Mappings.Where(m => m.IdMapEntity is not null && !m.IsRekeyedKey))
        {
            list.Add($"{m.SourceName} follows {m.IdMapEntity} through the id map");
        }
        list.AddRange(e.Notes);
        return list;
    }
}

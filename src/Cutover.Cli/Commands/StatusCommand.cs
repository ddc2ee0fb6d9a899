using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Plan;
using Cutover.Sqlite;
using Cutover.State;
using Cutover.Values;
using Spectre.Console;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover status PLAN [--json]</c>: the latest run's phase, per-entity progress, checkpoints, failures, elapsed time and rate.</summary>
internal static class StatusCommand
{
    public sealed record Options(string Plan, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var cmd = new Command("status", "Show the latest run: phase, rows done per entity, checkpoints, failures, elapsed time, rate.")
        {
            plan, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("status", o.Json, async () =>
    {
        var plan = PlanLoader.Load(o.Plan);
        await using var state = await CliRuntime.OpenStateAsync(plan, create: false, lockPlan: false, ct).ConfigureAwait(false);
        var run = state is null ? null : await state.LatestRunAsync(ct).ConfigureAwait(false);
        if (state is null || run is null)
        {
            // A plan that only routes traffic (dual writes, no copy yet) still has its routing control.
            var control = state is null ? null : RoutingControl.Parse(await state.GetValueAsync(ControlKeys.Routing, ct).ConfigureAwait(false));
            var openConflicts = state is null ? 0 : (await state.ConflictsAsync(unresolvedOnly: true, ct).ConfigureAwait(false)).Count;
            if (o.Json)
            {
                CliRuntime.WriteJson(new { plan = plan.Name, status = "none", phase = (string?)null, entities = Array.Empty<object>(),
                    routing = control is null ? null : RoutingCommands.Json(control), conflicts_unresolved = openConflicts });
            }
            else
            {
                Console.Out.WriteLine($"plan {plan.Name}: no run yet (start one with: cutover migrate {o.Plan}).");
                foreach (var line in control is null ? [] : RoutingCommands.StatusLines(control))
                {
                    Console.Out.WriteLine(line);
                }
                if (openConflicts > 0)
                {
                    Console.Out.WriteLine(ConflictsLine(openConflicts, o.Plan));
                }
            }
            return Errors.ExitCodes.Ok;
        }
        var failures = await state.FailuresAsync(null, unresolvedOnly: true, ct).ConfigureAwait(false);
        var progress = await Copy.CopyParts.ForPeopleAsync(state, run.Id, ct).ConfigureAwait(false);
        var backups = (await state.BackupsAsync(ct).ConfigureAwait(false)).Where(b => b.RunId == run.Id).ToList();
        var authority = await state.GetValueAsync(ControlKeys.Authority, ct).ConfigureAwait(false);
        var audit = await state.AuditLogAsync(5, ct).ConfigureAwait(false);
        var idMaps = new Dictionary<string, long>();
        foreach (var e in plan.Entities.Where(e => e.Rekey is not null))
        {
            idMaps[e.Name] = await state.CountIdsAsync(e.Name, ct).ConfigureAwait(false);
        }
        var live = await LiveStatus.ReadAsync(plan, state, ct).ConfigureAwait(false);
        var reports = ReportFiles.List(plan, 10);
        var routing = RoutingControl.Parse(await state.GetValueAsync(ControlKeys.Routing, ct).ConfigureAwait(false));
        var conflicts = (await state.ConflictsAsync(unresolvedOnly: true, ct).ConfigureAwait(false)).Count;
        var elapsed = run.ActiveSeconds;
        var statusWord = RunStatusText.ToText(run.Status);
        if (run.Status == RunStatus.Running && !await CliRuntime.IsPlanHeldAsync(plan, state, ct).ConfigureAwait(false))
        {
            // Recorded as running, but no process holds the plan: it was killed. The next migrate resumes it.
            statusWord = "interrupted";
        }
        var written = progress.Sum(p => p.Written);
        var copySeconds = progress.Sum(p => p.Seconds);
        if (o.Json)
        {
            CliRuntime.WriteJson(new
            {
                plan = plan.Name,
                run_id = run.Id,
                status = statusWord,
                phase = run.Phase,
                started_at = run.StartedAt,
                updated_at = run.UpdatedAt,
                finished_at = run.FinishedAt,
                elapsed_seconds = Math.Round(elapsed, 3),
                rows_per_second = Math.Round(Reports.Rate(written, copySeconds)),
                authority,
                maintenance = live.Maintenance,
                paused = live.Paused,
                handover = live.Handover,
                lag = live.Capture is null ? null : new { pending = live.Pending, oldest_age_ms = live.OldestAgeMs, direction = live.DirectionName },
                capture = live.Capture,
                sync = live.Sync,
                error = run.ErrorCode is null ? null : new { code = run.ErrorCode, message = run.ErrorMessage },
                entities = progress.Select(p => new
                {
                    entity = p.Entity,
                    rows_done = p.Read,
                    rows_total = p.Total,
                    rows_written = p.Written,
                    rows_rejected = p.Rejected,
                    status = p.Status,
                    checkpoint = p.Checkpoint is null ? null : Value.DisplayKey(KeyCodec.Decode(p.Checkpoint)),
                    seconds = Math.Round(p.Seconds, 3),
                    rows_per_second = Math.Round(Reports.Rate(p.Written, p.Seconds)),
                }),
                failures = new { count = failures.Count, rows = failures.Take(100).Select(f => new { entity = f.Entity, key = Value.DisplayKey(KeyCodec.Decode(f.Key)), code = f.Code, message = f.Message }) },
                backups = backups.Select(b => new { id = b.Id, role = b.Role, path = b.Path, existed = b.Existed, verified = b.VerifiedAt is not null, skipped = b.Skipped }),
                id_map = idMaps,
                recent_actions = audit.Select(a => new { at = a.At, actor = a.Actor, action = a.Action, detail = a.Detail }),
                routing = routing is null ? null : RoutingCommands.Json(routing),
                conflicts_unresolved = conflicts,
                reports = reports.Select(r => new { kind = r.Kind, at = r.At, ok = r.Ok, summary = r.Summary, json = r.JsonPath, markdown = r.MarkdownPath }),
            });
            return Errors.ExitCodes.Ok;
        }
        AnsiConsole.MarkupLineInterpolated($"plan [bold]{plan.Name}[/], run {run.Id}: [bold]{statusWord}[/], phase {run.Phase}{(statusWord == "interrupted" ? " (resume with: cutover migrate)" : "")}");
        AnsiConsole.MarkupLineInterpolated($"started {Reports.Timestamp(run.StartedAt)}, active {elapsed:F1}s, {written} rows written at {Reports.Rate(written, copySeconds):F0} rows/s; authority: {authority}");
        foreach (var line in live.Lines())
        {
            AnsiConsole.MarkupLineInterpolated($"{line}");
        }
        foreach (var line in routing is null ? [] : RoutingCommands.StatusLines(routing))
        {
            AnsiConsole.MarkupLineInterpolated($"{line}");
        }
        if (conflicts > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"{ConflictsLine(conflicts, o.Plan)}");
        }
        if (run.ErrorCode is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]last error {run.ErrorCode}[/]: {run.ErrorMessage}");
        }
        var t = new Table().AddColumns("entity", "done/total", "%", "written", "rejected", "status", "checkpoint (last key)", "rows/s");
        foreach (var p in progress)
        {
            var key = p.Checkpoint is null ? "-" : Value.DisplayKey(KeyCodec.Decode(p.Checkpoint));
            t.AddRow(Markup.Escape(p.Entity), $"{p.Read}/{p.Total}", p.Total > 0 ? $"{100.0 * p.Read / p.Total:F0}" : "-", p.Written.ToString(),
                p.Rejected.ToString(), p.Status, Markup.Escape(key.Length > 40 ? key[..40] + "…" : key), Reports.Rate(p.Written, p.Seconds).ToString("F0"));
        }
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLineInterpolated($"failures: {failures.Count}{(failures.Count > 0 ? " (re-attempt with: cutover retry)" : "")}");
        foreach (var f in failures.Take(10))
        {
            AnsiConsole.MarkupLineInterpolated($"  {f.Entity} {Value.DisplayKey(KeyCodec.Decode(f.Key))}: {f.Code}: {f.Message}");
        }
        foreach (var (entity, count) in idMaps)
        {
            AnsiConsole.MarkupLineInterpolated($"id map {entity}: {count} keys (look one up with: cutover idmap {o.Plan} {entity} KEY)");
        }
        foreach (var b in backups)
        {
            var what = b.Skipped is { } why ? $"(not taken: {why})"
                : !b.Existed ? "(did not exist before the run)"
                : !b.HasFile ? "(no file: none of the run's tables existed before it)"
                : b.Path;
            AnsiConsole.MarkupLineInterpolated($"backup {b.Role}: {what}{(b.VerifiedAt is null ? "" : ", verified")}");
        }
        if (reports.Count > 0)
        {
            AnsiConsole.WriteLine("reports (newest first):");
            foreach (var r in reports)
            {
                AnsiConsole.MarkupLineInterpolated($"  {Reports.Timestamp(r.At)} {r.Kind}: {(r.Ok ? "ok" : "problems")}: {r.Summary} ({ReportFiles.Shown(r.MarkdownPath)})");
            }
        }
        AnsiConsole.WriteLine("recent actions:");
        foreach (var a in audit)
        {
            AnsiConsole.MarkupLineInterpolated($"  {Reports.Timestamp(a.At)} {a.Action}: {a.Detail}");
        }
        return Errors.ExitCodes.Ok;
    });

    private static string ConflictsLine(int open, string planPath) =>
        $"dual-write conflicts: {open} unresolved (list: cutover conflicts {planPath}; settle: cutover reconcile {planPath})";
}

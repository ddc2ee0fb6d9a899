using System.CommandLine;
using System.Globalization;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;
using Cutover.Verification;
using Spectre.Console;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover reconcile PLAN [--strategy old-wins|new-wins|manual] [--ids 1,2] [--entity E] [--dry-run] [--json]</c>: settles the
/// dual-write conflict journal: the winning side's row is copied over the other's (or nothing, with manual), those keys are
/// compared again, and the conflicts whose keys match are resolved.
/// </summary>
internal static class ReconcileCommand
{
    public sealed record Options(string Plan, string? Strategy, string? Ids, string? Entity, bool DryRun, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var strategy = new Option<string?>("--strategy")
        {
            HelpName = "old-wins|new-wins|manual",
            Description = "old-wins: make the new store's row equal the old one's; new-wins: the other way; manual: change nothing, re-check keys fixed by hand "
                + "(default: the entity's or the plan's reconcile:; else a partial write goes to the side that took it, a shadow mismatch to the side that leads)",
        };
        var ids = new Option<string?>("--ids") { HelpName = "1,2,3", Description = "Only these conflict ids (see cutover conflicts)" };
        var entity = CompareOptions.Entity("Only the conflicts of this entity");
        var dryRun = CommonOptions.DryRun();
        var json = CommonOptions.Json();
        var cmd = new Command("reconcile", "Resolve the dual-write conflicts: copy the winning side's row over the other's, compare the keys again, resolve those that match.")
        {
            plan, strategy, ids, entity, dryRun, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(strategy), r.GetValue(ids), r.GetValue(entity), r.GetValue(dryRun), r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("reconcile", o.Json, async () =>
    {
        var options = new ReconcileOptions
        {
            Strategy = o.Strategy is null ? null : ReconcileStrategies.Parse(o.Strategy)
                ?? throw new CutoverException(ErrorCodes.UsageInvalid, $"--strategy '{o.Strategy}': give {ReconcileStrategies.Choices}"),
            Ids = o.Ids is null ? null : ParseIds(o.Ids),
            Entity = o.Entity,
            DryRun = o.DryRun,
        };
        var plan = CliRuntime.LoadPlan(o.Plan);
        using var planLock = o.DryRun ? null : PlanLock.Acquire(plan.StateDirectory, plan.Name);
        // A sync applying changes meanwhile could overwrite what reconcile writes with what it read before.
        using var syncLock = o.DryRun ? null : PlanLock.Acquire(plan.StateDirectory, plan.Name, Handover.HandoverRunner.SyncLockFile, $"a sync of plan '{plan.Name}' is running; stop it before reconcile");
        await using var ctx = await CompareOptions.OpenAsync(plan, o.DryRun ? SessionMode.ReadOnly : SessionMode.Write, null, null, ct, lockPlan: !o.DryRun).ConfigureAwait(false);
        var result = await ConflictReconciler.RunAsync(ctx, options, ct).ConfigureAwait(false);
        var summary = Summary(plan, result);
        var body = new
        {
            plan = plan.Name,
            strategy = result.Strategy.Text(),
            strategy_from = result.StrategyFrom,
            dry_run = result.DryRun,
            resolved = result.Resolved,
            unresolved = result.Unresolved,
            conflicts = result.Conflicts.Select(c => new
            {
                id = c.Conflict.Id,
                entity = c.Conflict.Entity,
                key = c.Conflict.Key,
                kind = c.Conflict.Kind,
                strategy = c.Strategy.Text(),
                action = c.Action,
                direction = c.Direction,
                resolved = c.Resolved,
                resolution = c.Resolution,
                absent_on_both_sides = c.AbsentOnBothSides,
                error = c.Error is null ? null : new { code = c.ErrorCode, message = c.Error },
            }).ToList(),
            report = (string?)null,
        };
        var ok = result.DryRun || result.Unresolved == 0;
        string? reportPath = null;
        if (!result.DryRun && result.Conflicts.Count > 0)
        {
            var report = ReportFiles.Write(plan, "reconcile", ok, summary, body, string.Join("\n", result.Conflicts.Select(c =>
                $"- #{c.Conflict.Id} {c.Conflict.Entity} {c.Conflict.Key}: {c.Action}{(c.Direction is null ? "" : " " + c.Direction)}, "
                + (c.Resolved ? $"resolved ({c.Resolution})" : $"open: {c.ErrorCode}: {c.Error}"))));
            reportPath = report.JsonPath;
            if (!o.Json)
            {
                reportPath = ReportFiles.Shown(report.MarkdownPath);
            }
        }
        if (o.Json)
        {
            CliRuntime.WriteJson(body with { report = reportPath });
        }
        else
        {
            Print(plan, result, reportPath);
        }
        if (!ok)
        {
            CliRuntime.Fail("reconcile", json: false, ErrorCodes.ConflictsUnresolved, summary, []);
            return ExitCodes.For(ErrorCodes.ConflictsUnresolved);
        }
        if (!o.Json)
        {
            Console.Out.WriteLine($"reconcile: {summary}.");
        }
        return ExitCodes.Ok;
    });

    private static string Summary(MigrationPlan plan, ReconcileResult r)
    {
        if (r.Conflicts.Count == 0)
        {
            return "no unresolved conflicts";
        }
        var how = r.Conflicts.Select(c => c.Strategy).Distinct().Count() <= 1 ? r.Conflicts[0].Strategy.Words()
            : r.IsByConflict ? "by conflict: " + string.Join(", ", r.Conflicts.GroupBy(c => c.Strategy).Select(g => $"{g.Count()} {g.Key.Words()}"))
            : $"{r.Strategy.Words()}, some entities by their own reconcile:";
        var n = $"{r.Conflicts.Count} conflict{(r.Conflicts.Count == 1 ? "" : "s")}";
        if (r.DryRun)
        {
            var writes = r.Conflicts.Count(c => c.Action != ReconciledConflict.None);
            return $"dry run: {n} ({how}): would write {writes} key{(writes == 1 ? "" : "s")}; nothing was written";
        }
        if (r.Unresolved == 0)
        {
            return $"reconciled {r.Resolved} of {n} ({how})";
        }
        var differ = r.Conflicts.Count(c => !c.Resolved && c.ErrorCode == ErrorCodes.RowsDiffer);
        var other = r.Unresolved - differ;
        var open = string.Join(", ", new[]
        {
            differ > 0 ? $"{differ} still differ{(differ == 1 ? "s" : "")}" : null,
            other > 0 ? $"{other} left open ({string.Join(", ", r.Conflicts.Where(c => !c.Resolved && c.ErrorCode != ErrorCodes.RowsDiffer).Select(c => c.ErrorCode).Distinct())})" : null,
        }.Where(p => p is not null));
        return $"reconciled {r.Resolved} of {n} ({how}): {open}; see cutover conflicts {Path.GetFileName(plan.FilePath)}";
    }

    private static void Print(MigrationPlan plan, ReconcileResult r, string? report)
    {
        if (r.Conflicts.Count > 0)
        {
            Console.Out.WriteLine(r.IsByConflict ? $"strategy: {r.StrategyFrom}" : $"strategy: {r.Strategy.Words()} ({r.StrategyFrom})");
            foreach (var own in r.Conflicts.Where(c => c.Strategy != r.Strategy && plan.Entities.FirstOrDefault(e => string.Equals(e.Name, c.Conflict.Entity, StringComparison.OrdinalIgnoreCase))?.Reconcile is not null)
                .Select(c => (c.Conflict.Entity, c.Strategy)).Distinct())
            {
                Console.Out.WriteLine($"  {own.Entity}: {own.Strategy.Words()} (the entity's reconcile:)");
            }
            var t = new Table().AddColumns("id", "entity", "key", "kind", r.DryRun ? "would" : "did", "result");
            foreach (var c in r.Conflicts)
            {
                var did = c.Action == ReconciledConflict.None ? "nothing" : $"{c.Action} {c.Direction}";
                var result = c.Resolved ? $"resolved ({c.Resolution})" : c.Error is null ? (r.DryRun ? "-" : "open") : $"open: {c.ErrorCode}: {c.Error}";
                t.AddRow(c.Conflict.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(c.Conflict.Entity), Markup.Escape(c.Conflict.Key), c.Conflict.Kind,
                    Markup.Escape(did), Markup.Escape(result));
            }
            AnsiConsole.Write(t);
            if (r.Conflicts.Where(c => c.AbsentOnBothSides).Select(c => (c.Conflict.Entity, c.Conflict.Key)).Distinct().ToList() is { Count: > 0 } absent)
            {
                // Settled (the stores agree), but the same picture as a router recording keys unlike the stores hold them.
                Console.Out.WriteLine($"note: {absent.Count} key{(absent.Count == 1 ? " is" : "s are")} in neither store ({string.Join(", ", absent.Take(5).Select(a => $"{a.Entity} {a.Key}"))}"
                    + $"{(absent.Count > 5 ? ", ..." : "")}): deleted on both sides since, or the router's KeyText does not give keys as the store holds them; "
                    + "cutover diff shows whether rows still differ");
            }
        }
        if (report is not null)
        {
            Console.Out.WriteLine($"report: {report}");
        }
    }

    private static List<long> ParseIds(string text)
    {
        var ids = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            ids.Add(long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : throw new CutoverException(ErrorCodes.UsageInvalid, $"--ids '{text}': conflict ids are numbers, as cutover conflicts lists them: --ids 1,2,3"));
        }
        return ids.Count > 0 ? ids : throw new CutoverException(ErrorCodes.UsageInvalid, "--ids names no conflict; give them as --ids 1,2,3");
    }
}

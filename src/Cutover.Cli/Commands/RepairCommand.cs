using System.CommandLine;
using System.Text.Json.Nodes;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.State;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover repair PLAN [--entity E] [--keys k1,k2 | --all] [--dry-run]</c>: copies exactly those keys again through the
/// plan's transforms and id map, deletes the extra ones, then compares those keys again on both sides and says so.
/// </summary>
internal static class RepairCommand
{
    public sealed record Options(string Plan, bool Json, string? Entity, string? Keys, bool All, bool DryRun, int? Jobs = null, int? ChunkRows = null);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var entity = CompareOptions.Entity("Repair only this entity (needed with --keys when the plan has several)");
        var keys = new Option<string?>("--keys")
        {
            HelpName = "K1,K2",
            Description = "Source keys to copy again, comma-separated (a key the source no longer has is deleted from the target); composite keys as JSON arrays: [1,\"a\"],[2,\"b\"]",
        };
        var all = new Option<bool>("--all") { Description = "Repair every difference diff finds (missing, extra and changed rows)" };
        var dryRun = CommonOptions.DryRun();
        var jobs = CompareOptions.Jobs();
        var chunkRows = CompareOptions.ChunkRows();
        var cmd = new Command("repair", "Copy the given keys (or every difference diff finds) again through the plan's transforms, delete extra rows, and re-verify them.")
        {
            plan, json, entity, keys, all, dryRun, jobs, chunkRows,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json), r.GetValue(entity), r.GetValue(keys), r.GetValue(all),
            r.GetValue(dryRun), r.GetValue(jobs), r.GetValue(chunkRows)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("repair", o.Json, async () =>
    {
        if (o.All == (o.Keys is not null))
        {
            throw new CutoverException(ErrorCodes.UsageInvalid, "repair needs exactly one of --keys K1,K2 (with --entity) or --all");
        }
        var plan = CliRuntime.LoadPlan(o.Plan);
        using var planLock = o.DryRun ? null : PlanLock.Acquire(plan.StateDirectory, plan.Name);
        // A sync applying changes meanwhile could overwrite a repaired row with what it read before, or the other way round.
        using var syncLock = o.DryRun ? null : PlanLock.Acquire(plan.StateDirectory, plan.Name, Handover.HandoverRunner.SyncLockFile, $"a sync of plan '{plan.Name}' is running; stop it before repair");
        await using var ctx = await CompareOptions.OpenAsync(plan, o.DryRun ? SessionMode.ReadOnly : SessionMode.Write, o.Jobs, o.ChunkRows, ct, lockPlan: !o.DryRun).ConfigureAwait(false);
        var requests = new List<RepairRequest>();
        if (o.All)
        {
            var diffs = await ChunkedComparer.CompareAsync(ctx, CompareOptions.Entities(ctx, o.Entity), new DiffOptions { ChunkRows = ctx.ChunkRows }, ct).ConfigureAwait(false);
            foreach (var d in diffs.Where(d => !d.Match))
            {
                // Rows the transforms refuse are tried too: one that lacks only its new id gets it here (and its children then map).
                requests.Add(new RepairRequest(ctx.Entity(d.Entity), [.. d.Missing, .. d.Changed.Select(c => c.Key), .. d.Untransformable.Select(u => u.Key)], d.Extra));
            }
        }
        else
        {
            if (o.Entity is null && ctx.Entities.Count > 1)
            {
                throw new CutoverException(ErrorCodes.UsageInvalid, $"--keys needs --entity: plan '{plan.Name}' has {ctx.Entities.Count} entities ({string.Join(", ", ctx.Entities.Select(e => e.Name))})");
            }
            var e = o.Entity is null ? ctx.Entities[0] : ctx.Entity(o.Entity);
            requests.Add(new RepairRequest(e, ParseKeys(o.Keys!, e), [], Typed: false));
        }
        var result = await Repairer.RunAsync(ctx, requests, o.DryRun, ct).ConfigureAwait(false);
        var copied = result.Entities.Sum(e => e.Copied.Count);
        var deleted = result.Entities.Sum(e => e.Deleted.Count);
        var notRepaired = result.Entities.Sum(e => e.NotRepaired.Count);
        var still = result.Entities.Sum(e => e.StillDiffering.Count);
        var verified = result.Entities.Sum(e => e.KeysVerified);
        var work = string.Join(" and ", new[]
        {
            copied > 0 ? $"{(o.DryRun ? "copy" : "copied")} {Rows(copied)} again" : null,
            deleted > 0 ? $"{(o.DryRun ? "delete" : "deleted")} {Rows(deleted)}" : null,
        }.Where(p => p is not null));
        var summary = o.DryRun
            ? (work.Length == 0 ? "dry run: nothing to repair" : $"dry run: would {work}; nothing was written")
            : copied + deleted == 0 && notRepaired == 0 ? "nothing to repair"
            : (work.Length == 0 ? "nothing copied" : work) + $"; re-verified {verified} key{(verified == 1 ? "" : "s")}: " + (still == 0 ? "all match" : $"{still} still differ")
              + (notRepaired > 0 ? $"; {notRepaired} cannot be copied (the plan's transforms refuse them)" : "");
        var body = new JsonObject
        {
            ["dry_run"] = o.DryRun,
            ["entities"] = new JsonArray([.. result.Entities.Select(e => (JsonNode)new JsonObject
            {
                ["entity"] = e.Entity,
                ["copied"] = new JsonArray([.. e.Copied.Select(DiffReports.KeyJson)]),
                ["deleted"] = new JsonArray([.. e.Deleted.Select(DiffReports.KeyJson)]),
                ["not_repaired"] = new JsonArray([.. e.NotRepaired.Select(u => (JsonNode)new JsonObject { ["key"] = DiffReports.KeyJson(u.Key), ["code"] = u.Code, ["message"] = u.Message })]),
                ["keys_verified"] = e.KeysVerified,
                ["still_differing"] = new JsonArray([.. e.StillDiffering.Select(s => (JsonNode)JsonValue.Create(s))]),
            })]),
            ["verified"] = result.AllVerified,
        };
        var ok = o.DryRun || (still == 0 && notRepaired == 0);
        var report = ReportFiles.Write(plan, "repair", ok, summary, body, string.Join("\n", result.Entities.Select(e =>
            $"- {e.Entity}: {e.Copied.Count} copied again, {e.Deleted.Count} deleted, {e.NotRepaired.Count} not repairable, {e.StillDiffering.Count} still differ")));
        if (o.Json)
        {
            body["report"] = report.JsonPath;
            CliRuntime.WriteJson(body);
        }
        else
        {
            foreach (var e in result.Entities)
            {
                var done = new List<string>();
                if (e.Copied.Count > 0)
                {
                    done.Add($"{(o.DryRun ? "would copy" : "copied")} {Rows(e.Copied.Count)} again ({Keys(e.Copied)})");
                }
                if (e.Deleted.Count > 0)
                {
                    done.Add($"{(o.DryRun ? "would delete" : "deleted")} {Rows(e.Deleted.Count)} ({Keys(e.Deleted)})");
                }
                Console.Out.WriteLine($"{e.Entity}: {(done.Count == 0 ? "nothing to do" : string.Join("; ", done))}");
                foreach (var u in e.NotRepaired)
                {
                    Console.Out.WriteLine($"  not repaired: {Value.DisplayKey(u.Key)}: {u.Code}: {u.Message}");
                }
                foreach (var s in e.StillDiffering.Take(20))
                {
                    Console.Out.WriteLine($"  still differs: {s}");
                }
            }
            Console.Out.WriteLine($"report: {ReportFiles.Shown(report.MarkdownPath)}");
        }
        if (!ok)
        {
            CliRuntime.Fail("repair", json: false, ErrorCodes.RowsDiffer, summary, []);
            return ExitCodes.For(ErrorCodes.RowsDiffer);
        }
        if (!o.Json)
        {
            Console.Out.WriteLine($"repair: {summary}.");
        }
        return ExitCodes.Ok;
    });

    private static string Rows(int n) => n == 1 ? "1 row" : $"{n} rows";

    private static string Keys(IReadOnlyList<object?[]> keys) =>
        keys.Count == 0 ? "-" : string.Join(", ", keys.Take(10).Select(k => Value.DisplayKey(k))) + (keys.Count > 10 ? $", … {keys.Count - 10} more" : "");

    /// <summary><c>--keys</c> as key tuples of <paramref name="e"/>'s source key (<see cref="RepairKeys.ParseList"/>).</summary>
    public static List<object?[]> ParseKeys(string text, BoundEntity e) => RepairKeys.ParseList(text, e);
}

using System.CommandLine;
using System.Text.Json.Nodes;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Verification;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover diff PLAN [--entity E] [--json]</c>: the rows that differ, by key: missing from the target, extra on it, and
/// changed, with the fields that differ and both values. Exit 0 when nothing differs, 5 (ROWS_DIFFER) otherwise.
/// </summary>
internal static class DiffCommand
{
    public sealed record Options(string Plan, bool Json, string? Entity, int? Jobs = null, int? ChunkRows = null, bool Resume = false, int Limit = 50);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var entity = CompareOptions.Entity("Compare only this entity");
        var jobs = CompareOptions.Jobs();
        var chunkRows = CompareOptions.ChunkRows();
        var resume = CompareOptions.Resume();
        var limit = new Option<int>("--limit")
        {
            HelpName = "N",
            Description = "How many differences the table shows (--json and the report have them all)",
            DefaultValueFactory = _ => 50,
            Validators = { r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--limit takes a number, at least 1"); } } },
        };
        var cmd = new Command("diff", "Name the rows that differ: missing from the target, extra on it, changed (with the fields and both values).")
        {
            plan, json, entity, jobs, chunkRows, resume, limit,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json), r.GetValue(entity), r.GetValue(jobs), r.GetValue(chunkRows),
            r.GetValue(resume), r.GetValue(limit)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("diff", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        await using var ctx = await CompareOptions.OpenAsync(plan, SessionMode.ReadOnly, o.Jobs, o.ChunkRows, ct).ConfigureAwait(false);
        var diffs = await ChunkedComparer.CompareAsync(ctx, CompareOptions.Entities(ctx, o.Entity), CompareOptions.For(ctx, o.Resume, int.MaxValue), ct).ConfigureAwait(false);
        var bad = diffs.Where(d => !d.Match).ToList();
        var summary = bad.Count == 0
            ? $"no differences in {diffs.Count} entities ({diffs.Sum(d => d.TargetRows)} rows)"
            : $"{bad.Count} of {diffs.Count} entities differ: " + string.Join("; ", bad.Select(d => $"{d.Entity}: {d.Summary}"));
        var body = Json(diffs);
        var report = ReportFiles.Write(plan, "diff", bad.Count == 0, summary, body, DiffReports.Markdown(diffs));
        if (o.Json)
        {
            body["report"] = report.JsonPath;
            CliRuntime.WriteJson(body);
        }
        else
        {
            DiffReports.Table(diffs, o.Limit);
            Console.Out.WriteLine($"report: {ReportFiles.Shown(report.MarkdownPath)}");
        }
        if (bad.Count > 0)
        {
            CliRuntime.Fail("diff", json: false, ErrorCodes.RowsDiffer, summary + $"; fix them with: cutover repair {o.Plan} --all", []);
            return ExitCodes.For(ErrorCodes.RowsDiffer);
        }
        if (!o.Json)
        {
            Console.Out.WriteLine($"diff: {summary}.");
        }
        return ExitCodes.Ok;
    });

    private static JsonObject Json(IReadOnlyList<EntityDiff> diffs) => new()
    {
        ["match"] = diffs.All(d => d.Match),
        ["entities"] = new JsonArray([.. diffs.Select(DiffReports.EntityJson)]),
        ["differing"] = new JsonArray([.. diffs.Where(d => !d.Match).Select(d => (JsonNode)JsonValue.Create(d.Entity))]),
    };
}

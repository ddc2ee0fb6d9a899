using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Verification;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover verify PLAN [--json]</c>: counts and checksums of every chunk on both sides, row by row where a chunk differs;
/// exit 0 only when all match. Every run leaves a report in the state folder.
/// </summary>
internal static class VerifyCommand
{
    public sealed record Options(string Plan, bool Json, string? Entity, int? Jobs = null, int? ChunkRows = null, bool Resume = false);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var entity = CompareOptions.Entity("Verify only this entity");
        var jobs = CompareOptions.Jobs();
        var chunkRows = CompareOptions.ChunkRows();
        var resume = CompareOptions.Resume();
        var cmd = new Command("verify", "Compare row counts and checksums of every entity, chunk by chunk: the source (after transforms) against the target.")
        {
            plan, json, entity, jobs, chunkRows, resume,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json), r.GetValue(entity), r.GetValue(jobs), r.GetValue(chunkRows), r.GetValue(resume)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("verify", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        await using var ctx = await CompareOptions.OpenAsync(plan, SessionMode.ReadOnly, o.Jobs, o.ChunkRows, ct).ConfigureAwait(false);
        var entities = CompareOptions.Entities(ctx, o.Entity);
        var results = await Verifier.VerifyAsync(ctx, entities, ct, CompareOptions.For(ctx, o.Resume, Verifier.DetailsKept),
            countDanglingForeignKeys: false).ConfigureAwait(false);
        var bad = results.Where(v => !v.Match).ToList();
        var body = new { match = bad.Count == 0, entities = results.Select(Reports.VerifyJson), differing = bad.Select(b => b.Entity) };
        var summary = bad.Count == 0
            ? $"all {results.Count} entities match ({results.Sum(r => r.TargetRows)} rows)"
            : $"{bad.Count} of {results.Count} entities differ: " + string.Join("; ", bad.Select(b => $"{b.Entity}: {b.Problem}"));
        var report = ReportFiles.Write(plan, "verify", bad.Count == 0, summary, body,
            DiffReports.Markdown(results.Select(r => r.Rows).OfType<EntityDiff>().ToList()));
        if (o.Json)
        {
            CliRuntime.WriteJson(new { body.match, body.entities, body.differing, report = report.JsonPath });
        }
        else
        {
            Reports.Verify(results);
            foreach (var b in bad.Where(b => b.Rows is not null))
            {
                Console.Out.WriteLine($"{b.Entity}: {b.Rows!.Summary} rows; see them with: cutover diff {o.Plan} --entity {b.Entity}");
            }
            Console.Out.WriteLine($"report: {ReportFiles.Shown(report.MarkdownPath)}");
        }
        if (bad.Count > 0)
        {
            try
            {
                Migrator.ThrowIfMismatch(results);
            }
            catch (CutoverException ex)
            {
                // The JSON document above already says what differs; stderr gets the one-line error.
                CliRuntime.Fail("verify", json: false, ex.Code, ex.Message, ex.Details);
                return ExitCodes.For(ex.Code);
            }
        }
        if (!o.Json)
        {
            Console.Out.WriteLine($"verify: {summary}.");
        }
        return ExitCodes.Ok;
    });
}

using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Verification;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover audit PLAN [--json]</c>: the target's own integrity after a migration (foreign keys, the id map, the plan's
/// checks, the store's checks); exit 0 only when every finding holds, else <c>AUDIT_FAILED</c> (exit 6). Every run leaves
/// a report in the state folder.
/// </summary>
internal static class AuditCommand
{
    public sealed record Options(string Plan, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var cmd = new Command("audit", "Check the target's integrity: foreign keys resolve, the id map is complete and one-to-one, the plan's checks pass, the store's own checks.")
        {
            plan, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("audit", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.ReadOnly, null, null, ct).ConfigureAwait(false);
        if (ctx.State is null && ctx.Entities.Any(e => e.IsRekeyed))
        {
            ctx.RequireState();
        }
        var result = await Auditor.AuditAsync(ctx, ct).ConfigureAwait(false);
        var body = AuditReport.Json(result);
        var report = ReportFiles.Write(plan, "audit", result.Ok, result.Summary, body, AuditReport.Markdown(result));
        if (o.Json)
        {
            CliRuntime.WriteJson(AuditReport.Json(result, report.JsonPath));
        }
        else
        {
            AuditReport.Table(result);
            Console.Out.WriteLine($"report: {ReportFiles.Shown(report.MarkdownPath)}");
            Console.Out.WriteLine(result.Summary);
        }
        if (!result.Ok)
        {
            var first = result.Failed[0];
            // The table or JSON above says everything; stderr gets the one-line error.
            CliRuntime.Fail("audit", json: false, ErrorCodes.AuditFailed,
                $"{result.Failed.Count} of {result.Findings.Count} checks failed; first: {first.Check} {first.Subject}: {first.Detail}", []);
            return ExitCodes.For(ErrorCodes.AuditFailed);
        }
        return ExitCodes.Ok;
    });
}

using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Verification;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover verify PLAN [--json]</c>: counts and order-independent checksums on both sides; exit 0 only when all match.</summary>
internal static class VerifyCommand
{
    public sealed record Options(string Plan, bool Json, string? Entity, int? Jobs = null, long SplitRows = MigrationContext.DefaultSplitRows);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var entity = new Option<string?>("--entity") { Description = "Verify only this entity" };
        var jobs = CommonOptions.Jobs("reading jobs (one side of an entity, or a key range of a large one)");
        jobs.Description = "How many reading jobs (one side of an entity, or a key range of a large one) run at once, each on its own connections (default: the number of cores, at most 4)";
        var split = CommonOptions.SplitLargerThan("read");
        var cmd = new Command("verify", "Compare row counts and checksums of every entity: the source (after transforms) against the target.")
        {
            plan, json, entity, jobs, split,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json), r.GetValue(entity), r.GetValue(jobs), r.GetValue(split)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("verify", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        await using var ctx = await CliRuntime.OpenAsync(plan, SessionMode.ReadOnly, null, null, ct).ConfigureAwait(false);
        if (ctx.State is null && ctx.Entities.Any(e => e.IsRekeyed))
        {
            ctx.RequireState();
        }
        ctx.Jobs = o.Jobs ?? CommonOptions.DefaultJobs;
        ctx.SplitRows = o.SplitRows;
        var entities = o.Entity is null ? ctx.Entities : [ctx.Entity(o.Entity)];
        var results = await Verifier.VerifyAsync(ctx, entities, ct).ConfigureAwait(false);
        var bad = results.Where(v => !v.Match).ToList();
        if (o.Json)
        {
            CliRuntime.WriteJson(new { match = bad.Count == 0, entities = results.Select(Reports.VerifyJson), differing = bad.Select(b => b.Entity) });
        }
        else
        {
            Reports.Verify(results);
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
            Console.Out.WriteLine($"verify: all {results.Count} entities match ({results.Sum(r => r.TargetRows)} rows).");
        }
        return ExitCodes.Ok;
    });
}

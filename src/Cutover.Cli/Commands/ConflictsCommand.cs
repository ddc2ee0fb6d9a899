using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.State;
using Spectre.Console;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover conflicts PLAN [--all] [--json]</c>: the dual-write conflict journal in the plan's state store: partial writes
/// (one side failed) and shadow reads whose two values differ, unresolved ones by default.
/// </summary>
internal static class ConflictsCommand
{
    public sealed record Options(string Plan, bool All, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var all = new Option<bool>("--all") { Description = "Also list the conflicts already resolved" };
        var json = CommonOptions.Json();
        var cmd = new Command("conflicts", "List the dual-write conflicts: partial writes and shadow reads that differed (unresolved ones unless --all).")
        {
            plan, all, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(all), r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("conflicts", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        await using var state = await CliRuntime.OpenStateAsync(plan, create: false, lockPlan: false, ct).ConfigureAwait(false);
        var conflicts = state is null ? [] : await state.ConflictsAsync(unresolvedOnly: !o.All, ct).ConfigureAwait(false);
        var open = conflicts.Count(c => c.ResolvedAt is null);
        if (o.Json)
        {
            CliRuntime.WriteJson(new
            {
                plan = plan.Name,
                unresolved = open,
                conflicts = conflicts.Select(c => new
                {
                    id = c.Id,
                    entity = c.Entity,
                    key = c.Key,
                    kind = c.Kind,
                    failed_side = c.FailedSide,
                    error = c.Error,
                    fields = c.Fields,
                    at = c.At,
                    resolution = c.Resolution,
                    resolved_at = c.ResolvedAt,
                }),
            });
            return Errors.ExitCodes.Ok;
        }
        if (conflicts.Count == 0)
        {
            Console.Out.WriteLine($"plan {plan.Name}: no {(o.All ? "" : "unresolved ")}conflicts.");
            return Errors.ExitCodes.Ok;
        }
        var t = new Table().AddColumns("id", "entity", "key", "kind", "what", "at", "resolved");
        foreach (var c in conflicts)
        {
            var what = c.Kind == ConflictRecord.PartialWrite ? $"{c.FailedSide} side failed: {c.Error}" : "differs in " + string.Join(", ", c.Fields);
            t.AddRow(c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(c.Entity), Markup.Escape(c.Key), c.Kind,
                Markup.Escape(what.Length > 60 ? what[..59] + "…" : what), Reports.Timestamp(c.At), c.ResolvedAt is null ? "-" : Markup.Escape($"{c.Resolution}, {Reports.Timestamp(c.ResolvedAt.Value)}"));
        }
        AnsiConsole.Write(t);
        Console.Out.WriteLine($"plan {plan.Name}: {open} unresolved of {conflicts.Count} listed.");
        return Errors.ExitCodes.Ok;
    });
}

using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.State;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover stage PLAN STAGE [--lead old|new]</c> and <c>cutover traffic PLAN [--reads N] [--writes N]</c>: change the
/// dual-write traffic control (<see cref="RoutingControl"/>) in the plan's state store, which every running application
/// using Cutover.Routing reads within a second. Each change bumps the version and is written to the audit log.
/// </summary>
internal static class RoutingCommands
{
    public sealed record StageOptions(string Plan, string Stage, string? Lead, bool Json);

    public sealed record TrafficOptions(string Plan, int? Reads, int? Writes, bool Json);

    public static Command BuildStage()
    {
        var plan = CommonOptions.Plan();
        var stage = new Argument<string>("STAGE") { Description = "legacy, dual-write, shadow, live, ramp-down or complete" };
        var lead = new Option<string?>("--lead") { Description = "Whose result callers see while both stores are written: old or new (default: as it was)" };
        var json = CommonOptions.Json();
        var cmd = new Command("stage", "Set the dual-write stage every application routing through Cutover follows (legacy, dual-write, shadow, live, ramp-down, complete).")
        {
            plan, stage, lead, json,
        };
        cmd.SetAction((r, ct) => StageAsync(new StageOptions(r.GetValue(plan)!, r.GetValue(stage)!, r.GetValue(lead), r.GetValue(json)), ct));
        return cmd;
    }

    public static Command BuildTraffic()
    {
        var plan = CommonOptions.Plan();
        var reads = Percent("--reads", "reads");
        var writes = Percent("--writes", "writes");
        var json = CommonOptions.Json();
        var cmd = new Command("traffic", "Set which share of keys (sticky per key) take the new store, for reads and for writes.")
        {
            plan, reads, writes, json,
        };
        cmd.SetAction((r, ct) => TrafficAsync(new TrafficOptions(r.GetValue(plan)!, r.GetValue(reads), r.GetValue(writes), r.GetValue(json)), ct));
        return cmd;
    }

    private static Option<int?> Percent(string name, string what) => new(name)
    {
        HelpName = "PERCENT",
        Description = $"Percentage of keys whose {what} take the new store (0-100; a key stays on its side as the percentage grows)",
        Validators = { r => { if (r.GetValueOrDefault<int?>() is < 0 or > 100) { r.AddError($"{name} takes a percentage from 0 to 100"); } } },
    };

    public static Task<int> StageAsync(StageOptions o, CancellationToken ct) => CliRuntime.GuardAsync("stage", o.Json, async () =>
    {
        if (!RoutingControl.Stages.Contains(o.Stage))
        {
            throw new CutoverException(ErrorCodes.UsageInvalid, $"'{o.Stage}' is not a stage; stages: {string.Join(", ", RoutingControl.Stages)}");
        }
        if (o.Lead is not (null or RoutingControl.LeadOld or RoutingControl.LeadNew))
        {
            throw new CutoverException(ErrorCodes.UsageInvalid, $"--lead takes old or new, not '{o.Lead}'");
        }
        return await ChangeAsync(o.Plan, o.Json, "stage", c => c with { Stage = o.Stage, Lead = o.Lead ?? c.Lead }, ct).ConfigureAwait(false);
    });

    public static Task<int> TrafficAsync(TrafficOptions o, CancellationToken ct) => CliRuntime.GuardAsync("traffic", o.Json, async () =>
    {
        if (o.Reads is null && o.Writes is null)
        {
            throw new CutoverException(ErrorCodes.UsageInvalid, "traffic needs --reads PERCENT, --writes PERCENT or both");
        }
        return await ChangeAsync(o.Plan, o.Json, "traffic", c => c with { ReadPercent = o.Reads ?? c.ReadPercent, WritePercent = o.Writes ?? c.WritePercent }, ct)
            .ConfigureAwait(false);
    });

    /// <summary>Reads the control (the initial one when there is none), applies <paramref name="change"/>, writes it with the next version, and audits it.</summary>
    private static async Task<int> ChangeAsync(string planPath, bool json, string action, Func<RoutingControl, RoutingControl> change, CancellationToken ct)
    {
        var plan = CliRuntime.LoadPlan(planPath);
        await using var state = await CliRuntime.OpenStateAsync(plan, create: true, lockPlan: false, ct).ConfigureAwait(false);
        var now = TimeProvider.System.GetUtcNow();
        var was = await ReadAsync(state!, now, ct).ConfigureAwait(false);
        var next = WithPlanThresholds(plan, change(was)) with { Version = was.Version + 1, ChangedAt = now, Reason = $"cutover {action}" };
        var changed = (next.Stage, next.Lead, next.ReadPercent, next.WritePercent, next.Thresholds) != (was.Stage, was.Lead, was.ReadPercent, was.WritePercent, was.Thresholds);
        if (changed)
        {
            await SaveAsync(state!, next, "routing." + action, $"{Describe(was)} -> {Describe(next)} (version {next.Version})", ct).ConfigureAwait(false);
        }
        var shown = changed ? next : was;
        if (json)
        {
            CliRuntime.WriteJson(new { plan = plan.Name, changed, routing = Json(shown) });
        }
        else
        {
            Console.Out.WriteLine(changed
                ? $"plan {plan.Name}: {Describe(next)} (was {Describe(was)}; version {next.Version}). Applications see it within a second."
                : $"plan {plan.Name}: already {Describe(was)}; nothing changed.");
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// <paramref name="control"/> carrying the plan's breach thresholds (<c>rollout: { thresholds, on_breach }</c>), so every
    /// change from the CLI tells the routers the plan's current ones: none when the plan sets none (each application's own
    /// apply again), so taking them out of the plan and running any of stage, traffic or rollout clears them.
    /// </summary>
    public static RoutingControl WithPlanThresholds(Plan.MigrationPlan plan, RoutingControl control) =>
        control with { Thresholds = plan.Rollout?.Thresholds };

    /// <summary>Stores <paramref name="control"/> for every application and writes <paramref name="action"/> to the audit log.</summary>
    public static async Task SaveAsync(IStateStore state, RoutingControl control, string action, string detail, CancellationToken ct)
    {
        await state.SetValueAsync(ControlKeys.Routing, control.ToJson(), ct).ConfigureAwait(false);
        await state.AuditAsync(action, detail, ct).ConfigureAwait(false);
    }

    public static async Task<RoutingControl> ReadAsync(IStateStore state, DateTimeOffset now, CancellationToken ct) =>
        RoutingControl.Parse(await state.GetValueAsync(ControlKeys.Routing, ct).ConfigureAwait(false)) ?? RoutingControl.Initial(now);

    public static string Describe(RoutingControl c) =>
        $"stage {c.Stage}{(c.Stage is RoutingControl.DualWrite or RoutingControl.Shadow or RoutingControl.Live ? $" ({c.Lead} leads)" : "")}, reads {c.ReadPercent}% new, writes {c.WritePercent}% new";

    /// <summary>What <c>cutover status</c> prints about the routing control: the routing, why it was last set, and the thresholds routers apply.</summary>
    public static IEnumerable<string> StatusLines(RoutingControl c)
    {
        yield return $"dual-write routing: {Describe(c)} (version {c.Version}, set {Reports.Timestamp(c.ChangedAt)})";
        if (c.Reason is { } reason)
        {
            yield return $"  last change: {reason}";
        }
        yield return c.Thresholds is { } t
            ? $"  breach thresholds (from the plan): {t.Describe()}"
            : "  breach thresholds: each application's own (the plan's rollout: sets none)";
    }

    public static object Json(RoutingControl c) => new
    {
        stage = c.Stage,
        lead = c.Lead,
        read_percent = c.ReadPercent,
        write_percent = c.WritePercent,
        version = c.Version,
        changed_at = c.ChangedAt,
        reason = c.Reason,
        thresholds = c.Thresholds is not { } t ? null : new
        {
            max_error_rate = t.MaxErrorRate,
            max_p99_ms = t.MaxP99Ms,
            window_seconds = t.WindowSeconds,
            min_calls = t.MinCalls,
            on_breach = t.OnBreach,
        },
    };
}

using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Plan;
using Cutover.State;

namespace Cutover.Cli.Commands;

/// <summary>
/// <c>cutover rollout PLAN [--json]</c>: walks the plan's <c>rollout:</c> steps. Each step sets the routing control (stage,
/// lead, write and read percentages) and holds. During a hold the control is watched: an application's router that detects a
/// breach steps it back (or freezes it), and any other change stops the rollout too; it then exits with ROLLOUT_STOPPED,
/// saying what changed and why, and leaves the control as the router or operator set it.
/// </summary>
internal static class RolloutCommand
{
    public sealed record Options(string Plan, bool Json, int FromStep = 1);

    /// <summary>How often a hold looks at the control (applications poll it every 500 ms).</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var json = CommonOptions.Json();
        var fromStep = new Option<int>("--from-step")
        {
            HelpName = "N",
            DefaultValueFactory = _ => 1,
            Description = "Start at step N (1 is the first), e.g. to go on from the step a breach stopped once its cause is fixed",
            Validators = { r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--from-step takes a step number from 1"); } } },
        };
        var cmd = new Command("rollout", "Walk the plan's rollout: steps (percent, hold), watching for a breach that steps the traffic back.")
        {
            plan, json, fromStep,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(json), r.GetValue(fromStep)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("rollout", o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        var rollout = plan.Rollout ?? throw PlanLoader.Invalid([new PlanError(new PlanLocation(plan.FilePath, 1, 1),
            "the plan has no rollout: block", "write rollout: { stage: dual-write, lead: old, steps: [ { percent: 10, hold: 5m }, { percent: 100, hold: 1h } ] }")]);
        if (o.FromStep > rollout.Steps.Count)
        {
            throw new CutoverException(ErrorCodes.UsageInvalid, $"--from-step {o.FromStep}: the plan's rollout has {rollout.Steps.Count} steps");
        }
        await using var opened = await CliRuntime.OpenStateAsync(plan, create: true, lockPlan: false, ct).ConfigureAwait(false);
        var state = opened!; // created when missing
        var time = TimeProvider.System;
        if (!o.Json)
        {
            Console.Out.WriteLine(rollout.Thresholds is { } t
                ? $"breach thresholds for every router: {t.Describe()}"
                : "breach thresholds: each application's own (the plan's rollout: sets no thresholds: or on_breach:)");
        }
        var done = new List<object>();
        for (var i = o.FromStep - 1; i < rollout.Steps.Count; i++)
        {
            var step = rollout.Steps[i];
            var was = await RoutingCommands.ReadAsync(state, time.GetUtcNow(), ct).ConfigureAwait(false);
            var set = RoutingCommands.WithPlanThresholds(plan, was) with
            {
                Stage = rollout.Stage,
                Lead = rollout.Lead,
                WritePercent = step.WritePercent,
                ReadPercent = step.ReadPercent,
                Version = was.Version + 1,
                ChangedAt = time.GetUtcNow(),
                Reason = $"cutover rollout step {i + 1}/{rollout.Steps.Count}",
            };
            await RoutingCommands.SaveAsync(state, set, "routing.rollout",
                $"step {i + 1}/{rollout.Steps.Count}: {RoutingCommands.Describe(set)} (version {set.Version}), hold {step.Hold}", ct).ConfigureAwait(false);
            if (!o.Json)
            {
                Console.Out.WriteLine($"step {i + 1}/{rollout.Steps.Count}: {RoutingCommands.Describe(set)}; holding {step.Hold.TotalSeconds:0.#}s");
            }
            var end = time.GetUtcNow() + step.Hold;
            while (true)
            {
                var now = await RoutingCommands.ReadAsync(state, time.GetUtcNow(), ct).ConfigureAwait(false);
                if (now.Version != set.Version)
                {
                    var breach = now.Reason is { } r && (r.StartsWith("step back:", StringComparison.Ordinal) || r.StartsWith("frozen:", StringComparison.Ordinal));
                    var message = $"stopped at step {i + 1}/{rollout.Steps.Count}: " + (breach ? "an application's router detected a breach" : "the routing control was changed")
                        + $" and set {RoutingCommands.Describe(now)} (reason: {now.Reason ?? "none given"})";
                    await state.AuditAsync("routing.rollout.stopped", message, CancellationToken.None).ConfigureAwait(false);
                    if (o.Json)
                    {
                        // One document on stdout, as with every --json command; the error line goes to stderr.
                        CliRuntime.WriteJson(new
                        {
                            plan = plan.Name, completed = false, steps = done, stopped_at_step = i + 1, breach, routing = RoutingCommands.Json(now),
                            error = new { code = ErrorCodes.RolloutStopped, message }, exit_code = ExitCodes.For(ErrorCodes.RolloutStopped),
                        });
                        CliRuntime.Fail("rollout", json: false, ErrorCodes.RolloutStopped, message, []);
                        return ExitCodes.For(ErrorCodes.RolloutStopped);
                    }
                    throw new CutoverException(ErrorCodes.RolloutStopped, message);
                }
                var left = end - time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    break;
                }
                await Task.Delay(left < Poll ? left : Poll, time, ct).ConfigureAwait(false);
            }
            done.Add(new { step = i + 1, write_percent = step.WritePercent, read_percent = step.ReadPercent, hold_seconds = step.Hold.TotalSeconds });
        }
        var final = await RoutingCommands.ReadAsync(state, time.GetUtcNow(), ct).ConfigureAwait(false);
        await state.AuditAsync("routing.rollout.complete", RoutingCommands.Describe(final), ct).ConfigureAwait(false);
        if (o.Json)
        {
            CliRuntime.WriteJson(new { plan = plan.Name, completed = true, steps = done, stopped_at_step = (int?)null, breach = false, routing = RoutingCommands.Json(final) });
        }
        else
        {
            Console.Out.WriteLine($"rollout: complete, {RoutingCommands.Describe(final)}.");
        }
        return ExitCodes.Ok;
    });
}

using Cutover.State;

namespace Cutover.Plan;

/// <summary>One step of a rollout: the share of keys (sticky per key) whose writes, and reads, take the new store, held for <see cref="Hold"/>.</summary>
public sealed record RolloutStep(int WritePercent, int ReadPercent, TimeSpan Hold, PlanLocation At);

/// <summary>
/// The plan's <c>rollout:</c> block (issue 6): the stage and leading side the rollout runs in, then its steps, walked by
/// <c>cutover rollout</c>. Breaches are detected by the applications' routers, which step the routing control back (or freeze
/// it); the rollout sees that and stops. <see cref="Thresholds"/> (<c>thresholds:</c> and <c>on_breach:</c>) are published
/// in the routing control with every change the CLI makes, so every router judges the new side by them; null when the plan
/// sets neither (each router keeps its own).
/// </summary>
public sealed record RolloutPlan(string Stage, string Lead, IReadOnlyList<RolloutStep> Steps, PlanLocation At, RoutingThresholds? Thresholds = null);

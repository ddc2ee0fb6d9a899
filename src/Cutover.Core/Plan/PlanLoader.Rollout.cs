using Cutover.State;
using YamlDotNet.RepresentationModel;

namespace Cutover.Plan;

public static partial class PlanLoader
{
    private static readonly string[] RolloutKeys = ["stage", "lead", "steps"];
    private static readonly string[] RolloutStepKeys = ["percent", "reads", "hold"];

    private sealed partial class Reader
    {
        private const string RolloutExample = "write rollout: { stage: dual-write, lead: old, steps: [ { percent: 10, hold: 5m }, { percent: 50, hold: 30m }, { percent: 100, hold: 1h } ] }";

        /// <summary>The plan's <c>rollout:</c> block, or null when it has none.</summary>
        public RolloutPlan? ParseRollout(YamlMappingNode root)
        {
            if (Mapping(root, "rollout", RolloutExample) is not { } node)
            {
                return null;
            }
            CheckKeys(node, RolloutKeys, "rollout");
            var stage = OptionalString(node, "stage") ?? RoutingControl.DualWrite;
            if (stage is not (RoutingControl.DualWrite or RoutingControl.Shadow or RoutingControl.Live))
            {
                Error(At(node, "stage"), $"rollout stage '{stage}' does not split traffic", "write stage: dual-write, shadow or live");
            }
            var lead = OptionalString(node, "lead") ?? RoutingControl.LeadOld;
            if (lead is not (RoutingControl.LeadOld or RoutingControl.LeadNew))
            {
                Error(At(node, "lead"), $"rollout lead '{lead}' is not a side", "write lead: old or lead: new");
            }
            var steps = new List<RolloutStep>();
            var written = 0;
            if (Child(node, "steps") is YamlSequenceNode seq)
            {
                written = seq.Children.Count;
                foreach (var item in seq)
                {
                    if (item is not YamlMappingNode step)
                    {
                        Error(Loc(item), "a rollout step is a mapping", "write - { percent: 10, hold: 5m }");
                        continue;
                    }
                    CheckKeys(step, RolloutStepKeys, "rollout step");
                    if (Child(step, "percent") is null)
                    {
                        Error(Loc(step), "a rollout step needs percent", "write - { percent: 10, hold: 5m }");
                        continue;
                    }
                    var percent = OptionalInt(step, "percent", 0, 0, 100);
                    var reads = OptionalInt(step, "reads", percent, 0, 100);
                    var hold = OptionalDuration(step, "hold", TimeSpan.Zero) ?? TimeSpan.Zero;
                    if (steps.Count > 0 && percent < steps[^1].WritePercent)
                    {
                        Error(At(step, "percent"), $"rollout steps go up: {percent} comes after {steps[^1].WritePercent}",
                            "order the steps by percent (a rollback is what the routers do on a breach)");
                    }
                    steps.Add(new RolloutStep(percent, reads, hold, Loc(step)));
                }
            }
            if (written == 0)
            {
                Error(Loc(node), "rollout has no steps", RolloutExample);
            }
            return new RolloutPlan(stage, lead, steps, Loc(node));
        }
    }
}

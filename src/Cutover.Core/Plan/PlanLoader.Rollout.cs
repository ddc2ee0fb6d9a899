using Cutover.State;
using YamlDotNet.RepresentationModel;

namespace Cutover.Plan;

public static partial class PlanLoader
{
    private static readonly string[] RolloutKeys = ["stage", "lead", "steps", "thresholds", "on_breach"];
    private static readonly string[] ThresholdKeys = ["max_error_rate", "max_p99", "window", "min_calls"];
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
            return new RolloutPlan(stage, lead, steps, Loc(node), ParseThresholds(node));
        }

        /// <summary><c>thresholds:</c> and <c>on_breach:</c> of a rollout block; null when it has neither.</summary>
        private RoutingThresholds? ParseThresholds(YamlMappingNode rollout)
        {
            const string Example = "write thresholds: { max_error_rate: 0.05, max_p99: 500ms, window: 30s, min_calls: 20 }";
            var node = Mapping(rollout, "thresholds", Example);
            var onBreach = OptionalString(rollout, "on_breach");
            if (node is null && onBreach is null)
            {
                return null;
            }
            var d = RoutingThresholds.Defaults;
            if (onBreach is not (null or RoutingThresholds.StepBack or RoutingThresholds.Freeze))
            {
                Error(At(rollout, "on_breach"), $"on_breach '{onBreach}' is not a choice", "write on_breach: step-back or on_breach: freeze");
            }
            if (node is null)
            {
                return d with { OnBreach = onBreach ?? d.OnBreach };
            }
            CheckKeys(node, ThresholdKeys, "rollout thresholds");
            var rate = d.MaxErrorRate;
            if (OptionalString(node, "max_error_rate") is { } text)
            {
                var pct = text.EndsWith('%');
                if (double.TryParse(pct ? text[..^1] : text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
                    && (pct ? v / 100 : v) is >= 0 and <= 1)
                {
                    rate = pct ? v / 100 : v;
                }
                else
                {
                    Error(At(node, "max_error_rate"), $"max_error_rate '{text}' is not a share from 0 to 1", "write max_error_rate: 0.05 (or 5%)");
                }
            }
            var p99 = OptionalDuration(node, "max_p99", TimeSpan.FromMilliseconds(d.MaxP99Ms))!.Value;
            var window = OptionalDuration(node, "window", TimeSpan.FromSeconds(d.WindowSeconds))!.Value;
            if (p99 <= TimeSpan.Zero)
            {
                Error(At(node, "max_p99"), "max_p99 must be more than zero", "write max_p99: 500ms");
            }
            if (window <= TimeSpan.Zero)
            {
                Error(At(node, "window"), "window must be more than zero", "write window: 30s");
            }
            var minCalls = OptionalInt(node, "min_calls", d.MinCalls, 1, 1_000_000);
            if (p99 > TimeSpan.FromHours(24))
            {
                Error(At(node, "max_p99"), "max_p99 is more than 24h", "write max_p99: 500ms");
            }
            if (window > TimeSpan.FromHours(24))
            {
                Error(At(node, "window"), "window is more than 24h", "write window: 30s");
            }
            return new RoutingThresholds(rate, p99.TotalMilliseconds, window.TotalSeconds, minCalls, onBreach ?? d.OnBreach);
        }
    }
}

namespace Cutover.State;

/// <summary>
/// The plan's breach thresholds for the new store (<c>rollout: { thresholds: …, on_breach: … }</c>), carried in the
/// <see cref="RoutingControl"/> so every application's router judges the new side by the same figures: a breach is at least
/// <see cref="MinCalls"/> calls in the last <see cref="WindowSeconds"/> with an error rate above <see cref="MaxErrorRate"/>
/// (0–1) or a p99 latency above <see cref="MaxP99Ms"/>. <see cref="OnBreach"/> is <c>step-back</c> or <c>freeze</c>.
/// </summary>
public sealed record RoutingThresholds(double MaxErrorRate, double MaxP99Ms, double WindowSeconds, int MinCalls, string OnBreach)
{
    public const string StepBack = "step-back";
    public const string Freeze = "freeze";

    /// <summary>The values used for what the plan leaves out (the same as the routing library's defaults).</summary>
    public static readonly RoutingThresholds Defaults = new(0.05, 500, 30, 20, StepBack);

    /// <summary>Every problem with these thresholds, each saying how to fix it; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(MaxErrorRate is >= 0 and <= 1))
        {
            errors.Add(FormattableString.Invariant($"max_error_rate is {MaxErrorRate}: give a share from 0 to 1 (0.05 is 5 %)"));
        }
        // Bounds a router can turn into a window and a limit (a TimeSpan of at least a microsecond, at most a day).
        if (!(MaxP99Ms is >= 0.001 and <= 86_400_000))
        {
            errors.Add(FormattableString.Invariant($"max_p99 is {MaxP99Ms} ms: give a duration from 1us to 24h, such as 500ms"));
        }
        if (!(WindowSeconds is >= 0.001 and <= 86_400))
        {
            errors.Add(FormattableString.Invariant($"window is {WindowSeconds} s: give a duration from 1ms to 24h, such as 30s"));
        }
        if (MinCalls is < 1 or > 1_000_000)
        {
            errors.Add($"min_calls is {MinCalls}: give 1 to 1000000");
        }
        if (OnBreach is not (StepBack or Freeze))
        {
            errors.Add($"on_breach is '{OnBreach}': use step-back or freeze");
        }
        return errors;
    }

    /// <summary>One line for people: "error rate > 5%, p99 > 500 ms over 30 s (at least 20 calls), then step-back".</summary>
    public string Describe() =>
        FormattableString.Invariant($"error rate > {MaxErrorRate:P1} or p99 > {MaxP99Ms:0.#} ms over {WindowSeconds:0.#} s (at least {MinCalls} calls), then {OnBreach}");
}

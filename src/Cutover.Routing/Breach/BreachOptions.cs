namespace Cutover.Routing.Breach;

/// <summary>
/// Thresholds for the new side over a sliding window: a breach is at least <see cref="MinCalls"/> calls in
/// <see cref="Window"/> with an error rate above <see cref="MaxErrorRate"/> or a p99 latency above <see cref="MaxP99"/>.
/// </summary>
public sealed class BreachOptions
{
    /// <summary>Share of failed calls (0–1) above which the new side is in breach. Default 0.05.</summary>
    public double MaxErrorRate { get; set; } = 0.05;

    /// <summary>p99 latency above which the new side is in breach. Default 500 ms.</summary>
    public TimeSpan MaxP99 { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How far back calls count. Default 30 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fewer calls than this in the window never breach (too few to judge). Default 20.</summary>
    public int MinCalls { get; set; } = 20;

    /// <summary>Step back (default) or freeze.</summary>
    public OnBreach OnBreach { get; set; } = OnBreach.StepBack;

    /// <summary>The options a plan's thresholds (carried in the routing control) stand for.</summary>
    public static BreachOptions From(Cutover.State.RoutingThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        return new BreachOptions
        {
            MaxErrorRate = thresholds.MaxErrorRate,
            MaxP99 = TimeSpan.FromMilliseconds(thresholds.MaxP99Ms),
            Window = TimeSpan.FromSeconds(thresholds.WindowSeconds),
            MinCalls = thresholds.MinCalls,
            OnBreach = thresholds.OnBreach == Cutover.State.RoutingThresholds.Freeze ? OnBreach.Freeze : OnBreach.StepBack,
        };
    }

    /// <summary>Every problem with these options, each saying how to fix it; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxErrorRate is < 0 or > 1 || double.IsNaN(MaxErrorRate))
        {
            errors.Add($"max_error_rate is {MaxErrorRate}: give a share between 0 and 1 (0.05 is 5 %).");
        }
        if (MaxP99 <= TimeSpan.Zero)
        {
            errors.Add($"max_p99 is {MaxP99}: give a positive duration, such as 500 ms.");
        }
        if (Window <= TimeSpan.Zero)
        {
            errors.Add($"window is {Window}: give a positive duration, such as 30 s.");
        }
        if (MinCalls < 1)
        {
            errors.Add($"min_calls is {MinCalls}: give 1 or more.");
        }
        if (!Enum.IsDefined(OnBreach))
        {
            errors.Add($"on_breach is {OnBreach}: use step_back or freeze.");
        }
        return errors;
    }
}

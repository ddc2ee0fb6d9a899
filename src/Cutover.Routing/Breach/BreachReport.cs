namespace Cutover.Routing.Breach;

/// <summary>The figures that made the new side breach its thresholds, over the window ending <see cref="At"/>.</summary>
public sealed record BreachReport(
    int Calls,
    int Failures,
    double ErrorRate,
    double P99Ms,
    double MaxErrorRate,
    double MaxP99Ms,
    TimeSpan Window,
    DateTimeOffset At)
{
    /// <summary>One line for the audit log and the control's reason.</summary>
    public override string ToString() =>
        FormattableString.Invariant(
            $"new side breached: error rate {ErrorRate:P1} (max {MaxErrorRate:P1}), p99 {P99Ms:0.#} ms (max {MaxP99Ms:0.#} ms), {Calls} calls, {Failures} failed, in {Window.TotalSeconds:0.#} s");
}

namespace Cutover.Plan;

/// <summary>What a <c>timestamps:</c> normalizer truncates instants to: <c>s</c>, <c>ms</c> or <c>us</c>.</summary>
public enum TimestampPrecision
{
    Seconds,
    Milliseconds,
    Microseconds,
}

namespace Cutover.Plan;

/// <summary>
/// The plan's <c>throttle:</c> block: how the copy and sync spare a busy target. After a batch whose write took longer
/// than <see cref="MaxTargetLatency"/>, or while the target reports replica lag above <see cref="MaxLag"/>, the next batch
/// waits; <see cref="RowsPerSecond"/> caps the rate (0: no cap). Null limits are off.
/// </summary>
public sealed record ThrottleOptions(TimeSpan? MaxTargetLatency, TimeSpan? MaxLag, int RowsPerSecond)
{
    public static readonly ThrottleOptions None = new(null, null, 0);

    public bool IsOff => MaxTargetLatency is null && MaxLag is null && RowsPerSecond == 0;
}

namespace Cutover.Verification;

/// <summary>Verification of one entity: counts and checksums on both sides (source side after transforms).</summary>
public sealed record EntityVerification(
    string Entity,
    long SourceRows,
    long TargetRows,
    string SourceChecksum,
    string TargetChecksum,
    long ExcludedRejected,
    long SourceTransformFailures,
    double Seconds)
{
    public bool Match => SourceRows == TargetRows && SourceChecksum == TargetChecksum;

    /// <summary>What differs, in words; empty when the entity matches.</summary>
    public string Problem => Match ? ""
        : SourceRows != TargetRows ? $"row count differs: source {SourceRows}, target {TargetRows}"
        : "same row count but contents differ (checksum)";
}

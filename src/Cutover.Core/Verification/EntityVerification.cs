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
    /// <summary>The checksum of a count-only verification (<c>verify: counts</c>).</summary>
    public const string NotComputed = "(counts only)";

    /// <summary>
    /// Target rows whose foreign keys point at no parent (copied as they were; not a checksum difference). Null when not
    /// counted (<c>cutover verify</c>: <c>cutover audit</c> names them).
    /// </summary>
    public long? DanglingForeignKeys { get; init; }

    /// <summary>
    /// What the chunked comparison found row by row (null for counts only). Its verdict decides: with normalizers, two chunks
    /// may hash differently while every row is the same under the rules (a float within its tolerance).
    /// </summary>
    public EntityDiff? Rows { get; init; }

    public bool Match => Rows?.Match ?? (SourceRows == TargetRows && SourceChecksum == TargetChecksum);

    /// <summary>What differs, in words; empty when the entity matches.</summary>
    public string Problem => Match ? ""
        : SourceRows != TargetRows ? $"row count differs: source {SourceRows}, target {TargetRows}"
        : "same row count but contents differ (checksum)";
}

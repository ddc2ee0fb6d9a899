using Cutover.Preflight;

namespace Cutover.Migration;

/// <summary>What <c>migrate --dry-run</c> and <c>plan</c> show: what would happen, with counts, having written nothing.</summary>
public sealed record DryRunReport(
    string Plan,
    string Source,
    string Target,
    string State,
    IReadOnlyList<PreflightFinding> Preflight,
    IReadOnlyList<DryRunEntity> Entities,
    IReadOnlyList<string> Backups,
    IReadOnlyList<string> Checks,
    string? ResumeOf)
{
    /// <summary>The plan's <c>backup:</c> policy as it is spelled there (<c>all</c>, <c>target</c>, <c>none</c>).</summary>
    public string Backup { get; init; } = "all";

    public bool PreflightPassed => Preflight.All(p => p.Passed);
}

/// <summary>One entity in a dry run.</summary>
public sealed record DryRunEntity(
    string Entity,
    string TargetTable,
    IReadOnlyList<string> Key,
    long SourceRows,
    long AlreadyCopied,
    IReadOnlyList<string> Transforms,
    string CreateSql,
    bool TableExists);

namespace Cutover.State;

/// <summary>
/// A backup taken before a run wrote anything. <see cref="Existed"/> false means the store did not exist,
/// so restoring it means removing what the run created. An empty <see cref="Path"/> means no file was needed
/// (nothing to keep) or none was taken (<see cref="Skipped"/> says why).
/// </summary>
public sealed record BackupRecord(
    string Id,
    string RunId,
    string Role,
    string Store,
    string Path,
    string Sha256,
    long Bytes,
    bool Existed,
    DateTimeOffset CreatedAt,
    DateTimeOffset? VerifiedAt)
{
    /// <summary>
    /// Target only: the run's target tables that existed before it (the ones a restore must put back). Null on source
    /// records and on records from before Cutover kept them.
    /// </summary>
    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary>Target only: the run's target tables that did not exist before it (the ones a restore drops).</summary>
    public IReadOnlyList<string>? NewTables { get; init; }

    /// <summary>Why no backup was taken (<c>backup: none</c> in the plan, a source Cutover only reads), or null when it was.</summary>
    public string? Skipped { get; init; }

    /// <summary>True when a file holds this backup (verified before any restore).</summary>
    public bool HasFile => Path.Length > 0;
}

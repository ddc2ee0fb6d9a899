namespace Cutover.Connectors;

/// <summary>
/// A backup a connector made. <see cref="Existed"/> is false when there was nothing to back up (the target did not exist
/// yet). An empty <see cref="Path"/> with <see cref="Existed"/> true means no file was needed: none of the run's tables
/// existed, so a restore only drops <see cref="NewTables"/>.
/// </summary>
public sealed record BackupInfo(string Path, string Sha256, long Bytes, bool Existed)
{
    /// <summary>The run's target tables that existed before it: a table-scoped backup holds exactly these. Null when not known.</summary>
    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary>The run's target tables that did not exist before it: a restore drops them. Null when not known.</summary>
    public IReadOnlyList<string>? NewTables { get; init; }
}

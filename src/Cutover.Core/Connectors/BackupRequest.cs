namespace Cutover.Connectors;

/// <summary>
/// What <see cref="IBackupCapable.BackupAsync"/> is asked for: a file named <paramref name="Label"/> in
/// <paramref name="Directory"/>, covering the run's target tables that exist (<paramref name="Tables"/>); the ones that
/// do not (<paramref name="NewTables"/>) are recorded so a restore drops them. Both are empty for a source.
/// </summary>
public sealed record BackupRequest(string Directory, string Label, IReadOnlyList<string> Tables, IReadOnlyList<string> NewTables);

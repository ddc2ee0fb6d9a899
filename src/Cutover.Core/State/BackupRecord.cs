namespace Cutover.State;

/// <summary>
/// A backup taken before a run wrote anything. <see cref="Existed"/> false means the store did not exist,
/// so restoring it means removing what the run created.
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
    DateTimeOffset? VerifiedAt);

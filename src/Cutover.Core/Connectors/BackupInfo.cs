namespace Cutover.Connectors;

/// <summary>A backup file a connector made. <see cref="Existed"/> is false when there was nothing to back up (the target did not exist yet).</summary>
public sealed record BackupInfo(string Path, string Sha256, long Bytes, bool Existed);

namespace Cutover.Errors;

/// <summary>
/// Stable error codes. Scripts match on these strings, so a code is never renamed or reused;
/// docs/cli.md lists each one with the exit code it maps to.
/// </summary>
public static class ErrorCodes
{
    public const string PlanInvalid = "PLAN_INVALID";
    public const string PlanNotFound = "PLAN_NOT_FOUND";
    public const string UsageInvalid = "USAGE_INVALID";
    public const string SourceUnreachable = "SOURCE_UNREACHABLE";
    public const string TargetUnreachable = "TARGET_UNREACHABLE";
    public const string TargetNotWritable = "TARGET_NOT_WRITABLE";
    public const string TargetNotEmpty = "TARGET_NOT_EMPTY";
    public const string StateUnreachable = "STATE_UNREACHABLE";
    public const string DiskFull = "DISK_SPACE_LOW";
    public const string KeyNotUnique = "KEY_NOT_UNIQUE";
    public const string KeyNull = "KEY_NULL";
    public const string TableNotFound = "TABLE_NOT_FOUND";
    public const string ColumnNotFound = "COLUMN_NOT_FOUND";
    public const string UnsupportedSchema = "UNSUPPORTED_SCHEMA";
    public const string RowRejected = "ROW_REJECTED";
    public const string CastFailed = "CAST_FAILED";
    public const string InvalidUtf8 = "INVALID_UTF8";
    public const string ConstraintViolation = "CONSTRAINT_VIOLATION";
    public const string ForeignKeyUnmapped = "FK_UNMAPPED";
    public const string RekeyFailed = "REKEY_FAILED";
    public const string CountMismatch = "COUNT_MISMATCH";
    public const string ChecksumMismatch = "CHECKSUM_MISMATCH";

    /// <summary><c>cutover diff</c> found rows missing, extra or changed, or <c>cutover repair</c> left some that still differ.</summary>
    public const string RowsDiffer = "ROWS_DIFFER";

    /// <summary><c>cutover reconcile</c> left dual-write conflicts open: their keys still differ after the strategy (or, with manual, were not fixed by hand).</summary>
    public const string ConflictsUnresolved = "CONFLICTS_UNRESOLVED";

    /// <summary>A conflict names an entity the plan does not have: <c>cutover reconcile</c> leaves it open.</summary>
    public const string ConflictEntityUnknown = "CONFLICT_ENTITY_UNKNOWN";

    /// <summary>A conflict's key text is not a key of its entity (a composite key not written as a JSON array of the right width).</summary>
    public const string ConflictKeyInvalid = "CONFLICT_KEY_INVALID";

    /// <summary>new-wins cannot write the new store's row back to the old one for this entity (re-keyed, or a NOT NULL source column the plan does not copy).</summary>
    public const string ConflictNotReversible = "CONFLICT_NOT_REVERSIBLE";

    /// <summary><c>cutover rollout</c> stopped: the routing control changed under it (an application's router stepped back or froze on a breach, or an operator).</summary>
    public const string RolloutStopped = "ROLLOUT_STOPPED";
    public const string CheckFailed = "CHECK_FAILED";
    public const string CheckError = "CHECK_ERROR";

    /// <summary><c>cutover audit</c> found the target's integrity broken: a finding that does not hold.</summary>
    public const string AuditFailed = "AUDIT_FAILED";
    public const string RunLocked = "RUN_LOCKED";
    public const string NoRun = "NO_RUN";
    public const string BackupMissing = "BACKUP_MISSING";
    public const string BackupCorrupt = "BACKUP_CORRUPT";
    public const string BackupNotTaken = "BACKUP_NOT_TAKEN";
    public const string RollbackFailed = "ROLLBACK_FAILED";
    public const string IdNotMapped = "ID_NOT_MAPPED";
    public const string CaptureUnsupported = "CAPTURE_UNSUPPORTED";
    public const string CaptureNotInstalled = "CAPTURE_NOT_INSTALLED";
    public const string CaptureConflict = "CAPTURE_CONFLICT";
    public const string SyncNotReady = "SYNC_NOT_READY";
    public const string WritesFrozen = "WRITES_FROZEN";
    public const string LagTooHigh = "LAG_TOO_HIGH";
    public const string CutoverFailed = "CUTOVER_FAILED";
    public const string WrongAuthority = "WRONG_AUTHORITY";
    public const string Interrupted = "INTERRUPTED";
    public const string Internal = "INTERNAL_ERROR";
}

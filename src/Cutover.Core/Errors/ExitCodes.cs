namespace Cutover.Errors;

/// <summary>Process exit codes of the <c>cutover</c> CLI. Documented in docs/cli.md; never renumbered.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int InternalError = 1;
    public const int Usage = 2;
    public const int PlanInvalid = 3;
    public const int PreflightFailed = 4;
    public const int VerificationFailed = 5;
    public const int CheckFailed = 6;
    public const int RowsRejected = 7;
    public const int Locked = 8;
    public const int BackupFailed = 9;
    public const int Unreachable = 10;
    public const int NotFound = 11;

    /// <summary>A sync or cut-over step was refused or failed (lag too high, writes frozen, wrong authority); the source stays authoritative.</summary>
    public const int CutoverRefused = 12;
    public const int Interrupted = 130;

    /// <summary>Maps an error code to its exit code.</summary>
    public static int For(string code) => code switch
    {
        ErrorCodes.PlanInvalid or ErrorCodes.PlanNotFound or ErrorCodes.TableNotFound
            or ErrorCodes.ColumnNotFound or ErrorCodes.UnsupportedSchema => PlanInvalid,
        ErrorCodes.UsageInvalid => Usage,
        ErrorCodes.SourceUnreachable or ErrorCodes.TargetUnreachable or ErrorCodes.StateUnreachable => Unreachable,
        ErrorCodes.TargetNotWritable or ErrorCodes.TargetNotEmpty or ErrorCodes.DiskFull
            or ErrorCodes.KeyNotUnique or ErrorCodes.KeyNull => PreflightFailed,
        ErrorCodes.RowRejected or ErrorCodes.CastFailed or ErrorCodes.InvalidUtf8 or ErrorCodes.ConstraintViolation
            or ErrorCodes.ForeignKeyUnmapped or ErrorCodes.RekeyFailed => RowsRejected,
        ErrorCodes.CountMismatch or ErrorCodes.ChecksumMismatch or ErrorCodes.RowsDiffer or ErrorCodes.ConflictsUnresolved
            or ErrorCodes.ConflictEntityUnknown or ErrorCodes.ConflictKeyInvalid or ErrorCodes.ConflictNotReversible => VerificationFailed,
        ErrorCodes.CheckFailed or ErrorCodes.CheckError or ErrorCodes.AuditFailed => CheckFailed,
        ErrorCodes.RunLocked => Locked,
        ErrorCodes.BackupMissing or ErrorCodes.BackupCorrupt or ErrorCodes.BackupNotTaken or ErrorCodes.RollbackFailed => BackupFailed,
        ErrorCodes.NoRun or ErrorCodes.IdNotMapped or ErrorCodes.CaptureNotInstalled => NotFound,
        ErrorCodes.CaptureUnsupported => PlanInvalid,
        ErrorCodes.CaptureConflict => PreflightFailed,
        ErrorCodes.SyncNotReady or ErrorCodes.WritesFrozen or ErrorCodes.LagTooHigh or ErrorCodes.CutoverFailed or ErrorCodes.WrongAuthority or ErrorCodes.RolloutStopped => CutoverRefused,
        ErrorCodes.Interrupted => Interrupted,
        _ => InternalError,
    };
}

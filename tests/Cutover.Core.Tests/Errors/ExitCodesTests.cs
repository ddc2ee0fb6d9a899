using Cutover.Errors;

namespace Cutover.Core.Tests.Errors;

public class ExitCodesTests
{
    [Theory]
    [InlineData("PLAN_INVALID", 3)]
    [InlineData("PLAN_NOT_FOUND", 3)]
    [InlineData("TABLE_NOT_FOUND", 3)]
    [InlineData("COLUMN_NOT_FOUND", 3)]
    [InlineData("UNSUPPORTED_SCHEMA", 3)]
    [InlineData("USAGE_INVALID", 2)]
    [InlineData("KEY_NULL", 4)]
    [InlineData("KEY_NOT_UNIQUE", 4)]
    [InlineData("TARGET_NOT_EMPTY", 4)]
    [InlineData("TARGET_NOT_WRITABLE", 4)]
    [InlineData("DISK_SPACE_LOW", 4)]
    [InlineData("CHECKSUM_MISMATCH", 5)]
    [InlineData("COUNT_MISMATCH", 5)]
    [InlineData("ROWS_DIFFER", 5)]
    [InlineData("CHECK_FAILED", 6)]
    [InlineData("CHECK_ERROR", 6)]
    [InlineData("AUDIT_FAILED", 6)]
    [InlineData("ROW_REJECTED", 7)]
    [InlineData("CAST_FAILED", 7)]
    [InlineData("INVALID_UTF8", 7)]
    [InlineData("CONSTRAINT_VIOLATION", 7)]
    [InlineData("FK_UNMAPPED", 7)]
    [InlineData("REKEY_FAILED", 7)]
    [InlineData("RUN_LOCKED", 8)]
    [InlineData("BACKUP_CORRUPT", 9)]
    [InlineData("BACKUP_MISSING", 9)]
    [InlineData("BACKUP_NOT_TAKEN", 9)]
    [InlineData("ROLLBACK_FAILED", 9)]
    [InlineData("SOURCE_UNREACHABLE", 10)]
    [InlineData("TARGET_UNREACHABLE", 10)]
    [InlineData("STATE_UNREACHABLE", 10)]
    [InlineData("NO_RUN", 11)]
    [InlineData("ID_NOT_MAPPED", 11)]
    [InlineData("CAPTURE_NOT_INSTALLED", 11)]
    [InlineData("CAPTURE_UNSUPPORTED", 3)]
    [InlineData("CAPTURE_CONFLICT", 4)]
    [InlineData("SYNC_NOT_READY", 12)]
    [InlineData("WRITES_FROZEN", 12)]
    [InlineData("LAG_TOO_HIGH", 12)]
    [InlineData("CUTOVER_FAILED", 12)]
    [InlineData("WRONG_AUTHORITY", 12)]
    [InlineData("ROLLOUT_STOPPED", 12)]
    [InlineData("CONFLICTS_UNRESOLVED", 5)]
    [InlineData("CONFLICT_ENTITY_UNKNOWN", 5)]
    [InlineData("CONFLICT_KEY_INVALID", 5)]
    [InlineData("CONFLICT_NOT_REVERSIBLE", 5)]
    [InlineData("INTERRUPTED", 130)]
    [InlineData("INTERNAL_ERROR", 1)]
    [InlineData("SOMETHING_NEW", 1)]
    [InlineData("plan_invalid", 1)] // codes are matched exactly
    public void For_Code_MapsToDocumentedExitCode(string code, int expected)
    {
        Assert.Equal(expected, ExitCodes.For(code));
    }

    [Fact]
    public void For_EveryDeclaredCode_IsCoveredAbove()
    {
        // Guards against a new code being added without deciding its exit code (it would silently map to 1).
        var declared = typeof(ErrorCodes).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(48, declared.Count);
        Assert.All(declared.Where(c => c != ErrorCodes.Internal), c => Assert.NotEqual(ExitCodes.InternalError, ExitCodes.For(c)));
    }
}

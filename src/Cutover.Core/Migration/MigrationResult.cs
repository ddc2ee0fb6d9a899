using Cutover.Checks;
using Cutover.Errors;
using Cutover.Preflight;
using Cutover.State;
using Cutover.Verification;

namespace Cutover.Migration;

/// <summary>What a <c>migrate</c> did. Returned, not thrown: a failed run is a result with an error code.</summary>
public sealed record MigrationResult
{
    public string? RunId { get; init; }
    public RunStatus? Status { get; init; }
    public string Phase { get; init; } = Phases.Preflight;
    public bool AlreadyComplete { get; init; }
    public bool Resumed { get; init; }
    public IReadOnlyList<PreflightFinding> Preflight { get; init; } = [];
    public IReadOnlyList<BackupRecord> Backups { get; init; } = [];
    public IReadOnlyList<EntityProgress> Entities { get; init; } = [];
    public IReadOnlyList<EntityVerification> Verification { get; init; } = [];
    public IReadOnlyList<CheckResult> Checks { get; init; } = [];

    /// <summary>Set when the source is live (capture on): verification waits for the cut-over, which checks with writes frozen.</summary>
    public Capture.CaptureMode LiveCapture { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public IReadOnlyList<string> ErrorDetails { get; init; } = [];
    public double Seconds { get; init; }

    public long RowsRejected => Entities.Sum(e => e.Rejected);

    public bool Succeeded => ErrorCode is null;

    /// <summary>0 when everything was copied and verified; see docs/cli.md for the rest.</summary>
    public int ExitCode => ErrorCode is not null ? ExitCodes.For(ErrorCode) : RowsRejected > 0 ? ExitCodes.RowsRejected : ExitCodes.Ok;
}

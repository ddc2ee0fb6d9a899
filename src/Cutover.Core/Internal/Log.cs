using Microsoft.Extensions.Logging;

namespace Cutover.Internal;

/// <summary>Source-generated log messages of the engine (the detailed log file; the console shows the observer's view).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "run {RunId}: phase {Phase}")]
    public static partial void PhaseStarted(ILogger logger, string runId, string phase);

    [LoggerMessage(2, LogLevel.Information, "run {RunId}: {Entity} copied: read {Read}, written {Written}, rejected {Rejected} in {Seconds:F2}s")]
    public static partial void EntityCopied(ILogger logger, string runId, string entity, long read, long written, long rejected, double seconds);

    [LoggerMessage(3, LogLevel.Warning, "run {RunId}: {Entity} key {Key} rejected: {Code} {Message}")]
    public static partial void RowRejected(ILogger logger, string runId, string entity, string key, string code, string message);

    [LoggerMessage(4, LogLevel.Information, "run {RunId}: resuming {Entity} after key {Checkpoint} ({InFlight} rows possibly written before the stop are upserted)")]
    public static partial void Resuming(ILogger logger, string runId, string entity, string checkpoint, int inFlight);

    [LoggerMessage(5, LogLevel.Information, "backup of {Role} {Store} -> {Path} ({Bytes} bytes, sha256 {Sha})")]
    public static partial void BackupTaken(ILogger logger, string role, string store, string path, long bytes, string sha);

    [LoggerMessage(6, LogLevel.Error, "run {RunId}: failed in {Phase}: {Code} {Message}")]
    public static partial void RunFailed(ILogger logger, string runId, string phase, string code, string message);

    [LoggerMessage(7, LogLevel.Information, "verify {Entity}: source {SourceCount} rows {SourceSum}, target {TargetCount} rows {TargetSum}")]
    public static partial void Verified(ILogger logger, string entity, long sourceCount, string sourceSum, long targetCount, string targetSum);

    [LoggerMessage(8, LogLevel.Warning, "{What}, retrying in {Seconds:F1} s (attempt {Attempt}/{Attempts}): {Code} {Message}")]
    public static partial void Retrying(ILogger logger, string what, double seconds, int attempt, int attempts, string code, string message);

    [LoggerMessage(9, LogLevel.Information, "run {RunId}: {Entity} ({Rows} rows) split into {Ranges} key ranges copied in parallel")]
    public static partial void EntitySplit(ILogger logger, string runId, string entity, int ranges, long rows);
}

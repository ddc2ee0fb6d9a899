using Cutover.Capture;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Sqlite.Capture;

namespace Cutover.Sqlite;

/// <summary>Opens <c>sqlite:PATH</c> stores (also <c>sqlite://PATH</c>). Paths are relative to the plan's folder.</summary>
public sealed class SqliteStoreProvider : IStoreProvider
{
    public bool Handles(string uri) => uri.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase);

    public string Redact(string uri) => uri;

    /// <summary>The file a <c>sqlite:</c> URI names, resolved against <paramref name="baseDirectory"/>.</summary>
    public static string PathOf(string uri, string baseDirectory)
    {
        var p = uri["sqlite:".Length..];
        if (p.StartsWith("//", StringComparison.Ordinal))
        {
            p = p[2..];
        }
        if (p.Length == 0)
        {
            throw new CutoverException(ErrorCodes.PlanInvalid, $"'{uri}' names no file; write sqlite:./app.db");
        }
        return Path.GetFullPath(Path.Combine(baseDirectory, p));
    }

    public Task<ISourceStore> OpenSourceAsync(string uri, string baseDirectory, CancellationToken ct)
    {
        var path = PathOf(uri, baseDirectory);
        if (!File.Exists(path))
        {
            throw new CutoverException(ErrorCodes.SourceUnreachable, $"source file {path} does not exist (check the source URI)");
        }
        return Task.FromResult<ISourceStore>(new SqliteStore(path, "source", readOnly: true));
    }

    public Task<ITargetStore> OpenTargetAsync(string uri, string baseDirectory, bool readOnly, CancellationToken ct) =>
        Task.FromResult<ITargetStore>(new SqliteStore(PathOf(uri, baseDirectory), "target", readOnly));

    /// <summary>
    /// <c>capture: triggers</c> on the file at <paramref name="uri"/> (which must exist), with its own read-write connection.
    /// SQLite has no logical replication, so <c>capture: logical</c> is refused.
    /// </summary>
    public Task<IChangeCapture> OpenCaptureAsync(string uri, string baseDirectory, CaptureMode mode, string planName, CancellationToken ct)
    {
        if (mode == CaptureMode.Logical)
        {
            throw new CutoverException(ErrorCodes.CaptureUnsupported, $"{uri}: capture: logical needs a PostgreSQL source; use capture: triggers");
        }
        if (mode != CaptureMode.Triggers)
        {
            throw new CutoverException(ErrorCodes.CaptureUnsupported, $"{uri}: capture: {mode.ToString().ToLowerInvariant()} has nothing to open; use capture: triggers");
        }
        var path = PathOf(uri, baseDirectory);
        if (!File.Exists(path))
        {
            throw new CutoverException(ErrorCodes.SourceUnreachable, $"{path} does not exist, so its writes cannot be captured (check the URI)");
        }
        return Task.FromResult<IChangeCapture>(new SqliteTriggerCapture(path, planName));
    }
}

using Cutover.Connectors;
using Cutover.Errors;

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
}

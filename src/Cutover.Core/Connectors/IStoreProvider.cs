namespace Cutover.Connectors;

/// <summary>Opens stores for one URI scheme (<c>sqlite:</c>, <c>postgres://</c>). One per connector package.</summary>
public interface IStoreProvider
{
    /// <summary>True when this provider understands <paramref name="uri"/>.</summary>
    bool Handles(string uri);

    /// <summary>The URI with any password replaced by <c>***</c>.</summary>
    string Redact(string uri);

    /// <summary>Opens a source read-only. Relative paths are resolved against <paramref name="baseDirectory"/>.</summary>
    Task<ISourceStore> OpenSourceAsync(string uri, string baseDirectory, CancellationToken ct);

    /// <summary>Opens a target. With <paramref name="readOnly"/> nothing is created or written (dry runs, verify).</summary>
    Task<ITargetStore> OpenTargetAsync(string uri, string baseDirectory, bool readOnly, CancellationToken ct);
}

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

    /// <summary>
    /// Opens change capture and the write freeze on the store at <paramref name="uri"/> (nothing is installed until asked).
    /// <paramref name="planName"/> names what a capture needs server-wide (a replication slot, a publication).
    /// </summary>
    Task<Capture.IChangeCapture> OpenCaptureAsync(string uri, string baseDirectory, Capture.CaptureMode mode, string planName, CancellationToken ct) =>
        throw new Errors.CutoverException(Errors.ErrorCodes.CaptureUnsupported, $"{Redact(uri)}: capture '{mode.ToString().ToLowerInvariant()}' is not supported by this store");
}

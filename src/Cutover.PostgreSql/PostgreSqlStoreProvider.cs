using Cutover.Capture;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.PostgreSql.Capture;
using Cutover.PostgreSql.Internal;

namespace Cutover.PostgreSql;

/// <summary>
/// Opens <c>postgres://</c> and <c>postgresql://</c> stores. Sources (and read-only targets) are opened with
/// default_transaction_read_only=on, so Cutover cannot write to them.
/// </summary>
public sealed class PostgreSqlStoreProvider : IStoreProvider
{
    public bool Handles(string uri) => PostgreSqlUri.IsPostgreSql(uri);

    public string Redact(string uri) => PostgreSqlRedaction.Redact(uri);

    public async Task<ISourceStore> OpenSourceAsync(string uri, string baseDirectory, CancellationToken ct) =>
        await PostgreSqlStore.OpenAsync(uri, Redact(uri), "source", readOnly: true, ct).ConfigureAwait(false);

    public async Task<ITargetStore> OpenTargetAsync(string uri, string baseDirectory, bool readOnly, CancellationToken ct) =>
        await PostgreSqlStore.OpenAsync(uri, Redact(uri), "target", readOnly, ct).ConfigureAwait(false);

    /// <summary>
    /// Trigger capture (<c>_cutover_*</c> triggers and changelogs in schema <c>_cutover</c>) or logical capture (publication
    /// and slot <c>cutover_PLAN</c>), each on its own connections. Nothing is installed until asked; the URI is checked now.
    /// </summary>
    public Task<IChangeCapture> OpenCaptureAsync(string uri, string baseDirectory, CaptureMode mode, string planName, CancellationToken ct)
    {
        _ = PostgreSqlUri.Parse(uri);
        IChangeCapture capture = mode switch
        {
            CaptureMode.Triggers => new PostgreSqlTriggerCapture(uri, Redact(uri)),
            CaptureMode.Logical => new PostgreSqlLogicalCapture(uri, Redact(uri), planName),
            _ => throw new CutoverException(ErrorCodes.CaptureUnsupported, $"{Redact(uri)}: capture '{mode.ToString().ToLowerInvariant()}' is not a way to capture changes; use triggers or logical"),
        };
        return Task.FromResult(capture);
    }
}

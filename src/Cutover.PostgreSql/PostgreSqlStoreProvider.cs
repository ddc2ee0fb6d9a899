using Cutover.Connectors;
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
}

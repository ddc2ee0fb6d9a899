using Cutover.Connectors;
using Cutover.Errors;
using Cutover.PostgreSql.Internal;

namespace Cutover.PostgreSql;

/// <summary>
/// Opens <c>postgres://</c> and <c>postgresql://</c> stores. Groundwork only: it recognises and redacts
/// PostgreSQL URIs; opening a store is not supported yet and says so.
/// </summary>
public sealed class PostgreSqlStoreProvider : IStoreProvider
{
    internal const string NotYet = "PostgreSQL stores are not supported yet (coming with issue 3); use sqlite:PATH";

    public bool Handles(string uri) => PostgreSqlUri.IsPostgreSql(uri);

    public string Redact(string uri) => PostgreSqlRedaction.Redact(uri);

    public Task<ISourceStore> OpenSourceAsync(string uri, string baseDirectory, CancellationToken ct) =>
        throw new CutoverException(ErrorCodes.PlanInvalid, NotYet);

    public Task<ITargetStore> OpenTargetAsync(string uri, string baseDirectory, bool readOnly, CancellationToken ct) =>
        throw new CutoverException(ErrorCodes.PlanInvalid, NotYet);
}

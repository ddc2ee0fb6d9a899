using Cutover.Errors;

namespace Cutover.Connectors;

/// <summary>Finds the provider for a URI. The CLI registers every connector it ships.</summary>
public sealed class StoreRegistry(IEnumerable<IStoreProvider> providers)
{
    private readonly IReadOnlyList<IStoreProvider> _providers = providers.ToList();

    public IStoreProvider For(string uri, string role) =>
        _providers.FirstOrDefault(p => p.Handles(uri))
        ?? throw new CutoverException(ErrorCodes.PlanInvalid,
            $"{role}: no connector understands '{Redact(uri)}'; use sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE");

    public bool IsKnown(string uri) => _providers.Any(p => p.Handles(uri));

    public string Redact(string uri) => _providers.FirstOrDefault(p => p.Handles(uri))?.Redact(uri) ?? Redaction.Redact(uri);
}

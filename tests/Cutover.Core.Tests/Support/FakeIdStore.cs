using Cutover.State;
using Cutover.Testing.Fakes;

namespace Cutover.Core.Tests.Support;

/// <summary>An in-memory id map. Only <see cref="LookupIdsAsync"/> is real; the rest of the store is not needed here.</summary>
internal sealed class FakeIdStore : StateStoreFake
{
    private readonly Dictionary<string, Dictionary<object, string>> _ids = [];

    public List<(string Entity, object[] Keys)> Lookups { get; } = [];

    public override string Display => "memory";

    public FakeIdStore Map(string entity, object oldKey, string newId)
    {
        if (!_ids.TryGetValue(entity, out var map))
        {
            _ids[entity] = map = [];
        }
        map[oldKey] = newId;
        return this;
    }

    public override Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct)
    {
        Lookups.Add((entity, oldKeys.ToArray()));
        var found = new Dictionary<object, string>();
        if (_ids.TryGetValue(entity, out var map))
        {
            foreach (var k in oldKeys.Where(map.ContainsKey))
            {
                found[k] = map[k];
            }
        }
        return Task.FromResult(found);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

}

using System.Text.Json;

namespace Cutover.Cli.Tests.Support;

/// <summary>Reads the documents of <c>diff --json</c>, <c>verify --json</c> and <c>repair --json</c> (docs/verification.md).</summary>
public static class DiffJson
{
    /// <summary>The item of <paramref name="name"/> in the document's <c>entities</c>.</summary>
    public static JsonElement Entity(JsonElement root, string name) =>
        root.GetProperty("entities").EnumerateArray().Single(e => e.GetProperty("entity").GetString() == name);

    public static JsonElement Entity(string json, string name) => Entity(JsonDocument.Parse(json).RootElement, name);

    /// <summary>An entity's list of keys (<c>missing</c>, <c>extra</c>, <c>copied</c>...; the <c>key</c> of objects in it) as text, sorted.</summary>
    public static string[] Keys(JsonElement entity, string list) =>
        entity.GetProperty(list).EnumerateArray()
            .Select(k => k.ValueKind == JsonValueKind.Object && k.TryGetProperty("key", out var key) ? key.ToString() : k.ToString())
            .Order(StringComparer.Ordinal).ToArray();

    /// <summary>An entity's changed rows: key (as text) to the names of the fields that differ.</summary>
    public static Dictionary<string, string[]> Changed(JsonElement entity) =>
        entity.GetProperty("changed").EnumerateArray().ToDictionary(
            c => c.GetProperty("key").ToString(), c => c.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!).ToArray());
}

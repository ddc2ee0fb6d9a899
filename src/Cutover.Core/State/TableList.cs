using System.Text.Json;

namespace Cutover.State;

/// <summary>How a state store keeps a list of table names in one text column: a JSON array. Null stays null.</summary>
public static class TableList
{
    public static string? Encode(IReadOnlyList<string>? tables) => tables is null ? null : JsonSerializer.Serialize(tables);

    public static IReadOnlyList<string>? Decode(string? text) => text is null ? null : JsonSerializer.Deserialize<string[]>(text) ?? [];
}

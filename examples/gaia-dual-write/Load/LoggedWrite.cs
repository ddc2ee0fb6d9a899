using System.Text.Json.Serialization;

namespace Gaia.Load;

/// <summary>One line of the load's log: a write or delete the load sent, and whether the service acknowledged it.</summary>
public sealed record LoggedWrite(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("acked")] bool Acked,
    [property: JsonPropertyName("status")] int Status);

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cutover.Values;

/// <summary>
/// Encodes a key tuple as JSON that round-trips every storage class exactly:
/// integers as numbers, text as strings, reals as <c>{"r":"..."}</c>, blobs as <c>{"b":"base64"}</c>,
/// invalid-UTF-8 text as <c>{"t":"base64"}</c>. Checkpoints and failure records store keys this way.
/// </summary>
public static class KeyCodec
{
    public static string Encode(IReadOnlyList<object?> key)
    {
        var arr = new JsonArray();
        foreach (var v in key)
        {
            arr.Add(v switch
            {
                null or DBNull => null,
                long l => JsonValue.Create(l),
                int i => JsonValue.Create((long)i),
                string s => JsonValue.Create(s),
                double d => new JsonObject { ["r"] = d.ToString("R", CultureInfo.InvariantCulture) },
                byte[] b => new JsonObject { ["b"] = Convert.ToBase64String(b) },
                RawText t => new JsonObject { ["t"] = Convert.ToBase64String(t.Bytes) },
                _ => throw new ArgumentException($"unsupported key value type {v.GetType().Name}"),
            });
        }
        return arr.ToJsonString();
    }

    public static object?[] Decode(string json)
    {
        var arr = JsonNode.Parse(json)!.AsArray();
        var result = new object?[arr.Count];
        for (var i = 0; i < arr.Count; i++)
        {
            result[i] = arr[i] switch
            {
                null => null,
                JsonObject o when o.ContainsKey("r") => double.Parse(o["r"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                JsonObject o when o.ContainsKey("b") => Convert.FromBase64String(o["b"]!.GetValue<string>()),
                JsonObject o when o.ContainsKey("t") => new RawText(Convert.FromBase64String(o["t"]!.GetValue<string>())),
                JsonValue jv when jv.GetValueKind() == JsonValueKind.String => jv.GetValue<string>(),
                JsonValue jv => jv.GetValue<long>(),
                _ => throw new FormatException($"bad key json: {json}"),
            };
        }
        return result;
    }
}

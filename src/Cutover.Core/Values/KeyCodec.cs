using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cutover.Values;

/// <summary>
/// Encodes a key tuple as JSON that round-trips every storage class exactly:
/// integers as numbers, text as strings, reals as <c>{"r":"..."}</c>, blobs as <c>{"b":"base64"}</c>,
/// invalid-UTF-8 text as <c>{"t":"base64"}</c>, and the typed values of a PostgreSQL source as <c>{"ts":MICROSECONDS}</c>,
/// <c>{"d":DAYS}</c>, <c>{"n":"12.50"}</c> and <c>{"j":"..."}</c>. Checkpoints and failure records store keys this way.
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
                Timestamp ts => new JsonObject { ["ts"] = ts.Microseconds },
                Date d => new JsonObject { ["d"] = d.Days },
                Numeric n => new JsonObject { ["n"] = n.Text },
                Json j => new JsonObject { ["j"] = j.Text },
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
                JsonObject o when o.ContainsKey("ts") => new Timestamp(o["ts"]!.GetValue<long>()),
                JsonObject o when o.ContainsKey("d") => new Date(o["d"]!.GetValue<int>()),
                JsonObject o when o.ContainsKey("n") => Numeric.Parse(o["n"]!.GetValue<string>()),
                JsonObject o when o.ContainsKey("j") => Json.Parse(o["j"]!.GetValue<string>()),
                JsonValue jv when jv.GetValueKind() == JsonValueKind.String => jv.GetValue<string>(),
                JsonValue jv => jv.GetValue<long>(),
                _ => throw new FormatException($"bad key json: {json}"),
            };
        }
        return result;
    }
}

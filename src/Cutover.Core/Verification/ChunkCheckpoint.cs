using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cutover.Plan;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// The chunks an interrupted comparison of one entity had finished, kept in the plan's state folder as
/// <c>.cutover/NAME/chunks/ENTITY.json</c> (a file, so a read-only comparison needs no write access to the state store): a fingerprint of what was compared (the plan, the chunk bounds, the normalizers) and each
/// finished chunk's counts and checksums. A comparison with the same fingerprint skips those chunks; a finished comparison
/// removes the record, so the next one starts afresh.
/// </summary>
internal sealed class ChunkCheckpoint
{
    private readonly string _path;
    private readonly string _fingerprint;
    private readonly JsonObject _done;

    private ChunkCheckpoint(string path, string fingerprint, JsonObject done)
    {
        _path = path;
        _fingerprint = fingerprint;
        _done = done;
    }

    /// <summary>The record's file: the entity's name made safe for a file name, with a short hash of the real name so two names never share a file.</summary>
    public static string PathFor(string stateDirectory, string entity) =>
        Path.Combine(stateDirectory, "chunks", string.Concat(entity.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_'))
            + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(entity)))[..8] + ".json");

    /// <summary>The finished chunks, by index.</summary>
    public IEnumerable<(int Index, ChunkedComparer.ChunkSums Sums)> Done => _done.Select(kv =>
    {
        var a = kv.Value!.AsArray();
        return (int.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture), new ChunkedComparer.ChunkSums(
            TableChecksum.Restore((long)a[0]!, (string)a[1]!), TableChecksum.Restore((long)a[2]!, (string)a[3]!), (long)a[4]!, (long)a[5]!));
    });

    public static async Task<ChunkCheckpoint> OpenAsync(string stateDirectory, string planHash, BoundEntity e, IReadOnlyList<ChunkedComparer.Chunk> chunks,
        IReadOnlyList<string> normalizers, bool restart, CancellationToken ct)
    {
        var text = new StringBuilder().Append(planHash).Append('\n').Append(e.Name).Append('\n');
        foreach (var c in chunks)
        {
            foreach (var bound in new[] { c.After, c.Until, c.TargetAfter, c.TargetUntil })
            {
                text.Append(bound is null ? "-" : KeyCodec.Encode(bound)).Append(' ');
            }
            text.Append(c.Nulls).Append('\n');
        }
        foreach (var n in normalizers)
        {
            text.Append(n).Append('\n');
        }
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        var path = PathFor(stateDirectory, e.Name);
        var done = new JsonObject();
        if (!restart && File.Exists(path) && await File.ReadAllTextAsync(path, ct).ConfigureAwait(false) is { } saved)
        {
            try
            {
                var node = JsonNode.Parse(saved)!.AsObject();
                if ((string?)node["fingerprint"] == fingerprint && node["done"] is JsonObject earlier)
                {
                    done = (JsonObject)earlier.DeepClone();
                }
            }
            catch (JsonException)
            {
                // A damaged record is no record: compare every chunk.
            }
        }
        return new ChunkCheckpoint(path, fingerprint, done);
    }

    public async Task SaveAsync(int index, ChunkedComparer.ChunkSums sums, CancellationToken ct)
    {
        _done[index.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonArray(
            sums.Source.Count, sums.Source.Hex, sums.Target.Count, sums.Target.Hex, sums.Excluded, sums.Failed);
        var record = new JsonObject { ["fingerprint"] = _fingerprint, ["done"] = _done.DeepClone() };
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var tmp = $"{_path}.{Environment.ProcessId}.tmp";
        await File.WriteAllTextAsync(tmp, record.ToJsonString(), ct).ConfigureAwait(false);
        File.Move(tmp, _path, overwrite: true);
    }

    public void Clear() => Delete(_path);

    private static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>Forgets any interrupted comparison of <paramref name="entity"/> (its target was written: repair).</summary>
    public static void Forget(string stateDirectory, string entity) => Delete(PathFor(stateDirectory, entity));
}

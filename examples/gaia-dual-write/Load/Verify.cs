using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Gaia.Load;

/// <summary>
/// Compares the stores with the load's log. For each key, the leading (old) store must hold the last acknowledged write
/// (or be without the key when that was a delete); a later unacknowledged call may also have landed, so its value is
/// accepted too. Anything else is a lost write. The new store is only described: keys written while it was not dual-written
/// (legacy stage, keys outside the write percentage, partial writes) are expected to differ there.
/// </summary>
public static class Verify
{
    public static int Run(string logPath, string oldPath, string newPath)
    {
        var byKey = File.ReadLines(logPath)
            .Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize<LoggedWrite>(l)!)
            .GroupBy(w => w.Key)
            .ToDictionary(g => g.Key, g => g.OrderBy(w => w.Seq).ToList());
        var old = ReadAll(oldPath, "SELECT id, title, body FROM sessions");
        var @new = ReadAll(newPath, "SELECT session_id, title, body FROM sessions_v2");

        long acknowledged = 0, lost = 0, newSame = 0, newDiffers = 0;
        var examples = new List<string>();
        foreach (var (key, calls) in byKey)
        {
            acknowledged += calls.Count(c => c.Acked);
            var lastAcked = calls.FindLastIndex(c => c.Acked);
            if (lastAcked < 0)
            {
                continue;
            }
            // The last acknowledged call, or any later one that was refused but may still have reached the store.
            var acceptable = calls.Skip(lastAcked).Select(Expected).ToList();
            var inOld = old.GetValueOrDefault(key);
            if (!acceptable.Contains(inOld))
            {
                lost++;
                if (examples.Count < 5)
                {
                    examples.Add($"{key}: expected {acceptable[0] ?? "(deleted)"}, old store has {inOld ?? "(nothing)"}");
                }
            }
            if (@new.GetValueOrDefault(key) == inOld)
            {
                newSame++;
            }
            else
            {
                newDiffers++;
            }
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["keys_checked"] = byKey.Count,
            ["writes_acknowledged"] = acknowledged,
            ["writes_lost"] = lost,
            ["lost_examples"] = examples,
            ["new_store_keys_same_as_old"] = newSame,
            ["new_store_keys_differing"] = newDiffers,
        }));
        return 0;
    }

    private static string? Expected(LoggedWrite w) => w.Op == "delete" ? null : w.Title + "\n" + w.Body;

    private static Dictionary<string, string?> ReadAll(string path, string sql)
    {
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var all = new Dictionary<string, string?>();
        while (r.Read())
        {
            all[r.GetString(0)] = r.GetString(1) + "\n" + r.GetString(2);
        }
        return all;
    }
}

using System.Net.Http.Json;
using System.Text.Json;

namespace Gaia.Load;

/// <summary>
/// Sends <c>writes</c> calls (nine PUTs to one DELETE) over <c>keys</c> session ids (numbered from <c>firstKey</c>) with
/// <c>concurrency</c> workers.
/// Each worker owns its own keys, so the calls on one key are sequential and the log's order per key is the order the
/// service saw them. Every call is appended to the log, acknowledged (2xx) or not.
/// </summary>
public static class Drive
{
    public static async Task<int> RunAsync(Uri url, string phase, int writes, int keys, int concurrency, string logPath, int firstKey = 0)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        await using var log = new StreamWriter(logPath, append: true);
        var gate = new SemaphoreSlim(1, 1);
        long seq = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        long acked = 0, refused = 0;
        var perWorker = writes / concurrency;
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var rng = new Random(HashCode.Combine(phase, w));
            var mine = Enumerable.Range(firstKey, keys).Where(k => k % concurrency == w).ToArray();
            for (var i = 0; i < perWorker; i++)
            {
                var key = $"s-{mine[rng.Next(mine.Length)]:D4}";
                var n = Interlocked.Increment(ref seq);
                var delete = rng.Next(10) == 0;
                string? title = delete ? null : $"{key} #{n}";
                string? body = delete ? null : $"phase {phase}, write {n}: {Convert.ToHexString(BitConverter.GetBytes(rng.NextInt64()))}";
                int status;
                try
                {
                    using var resp = delete
                        ? await http.DeleteAsync($"sessions/{key}")
                        : await http.PutAsJsonAsync($"sessions/{key}", new { title, body });
                    status = (int)resp.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                var ok = status is >= 200 and < 300;
                Interlocked.Increment(ref ok ? ref acked : ref refused);
                var line = JsonSerializer.Serialize(new LoggedWrite(n, phase, key, delete ? "delete" : "put", title, body, ok, status));
                await gate.WaitAsync();
                try
                {
                    await log.WriteLineAsync(line);
                }
                finally
                {
                    gate.Release();
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        Console.Error.WriteLine($"load {phase}: {perWorker * concurrency} calls, {acked} acknowledged, {refused} refused");
        return 0;
    }
}

using System.Globalization;

namespace Cutover.Writer;

/// <summary>
/// <c>cutover-writer --plan PLAN --source CONN --target CONN --engine sqlite|postgres --rate N --log FILE --model FILE
/// [--stop-file FILE] [--seconds N] [--first-id N] [--seed-max-id N]</c> (--first-id defaults to 1 000 000, or
/// seed-max-id + 1 when that is larger). CONN are ADO.NET connection strings (the writer is
/// the application, not Cutover); the plan only tells it where the control state lives.
/// </summary>
internal sealed record WriterOptions(
    string Plan,
    string Source,
    string Target,
    bool Postgres,
    double Rate,
    string Log,
    string Model,
    string? StopFile,
    double Seconds,
    long FirstId,
    long SeedMaxId)
{
    public static WriterOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }
        string Need(string k) => map.TryGetValue(k, out var v) ? v : throw new ArgumentException($"--{k} is required");
        double Num(string k, double d) => map.TryGetValue(k, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : d;
        return new WriterOptions(
            Need("plan"),
            Need("source"),
            Need("target"),
            map.GetValueOrDefault("engine", "sqlite") == "postgres",
            Num("rate", 100),
            Need("log"),
            Need("model"),
            map.GetValueOrDefault("stop-file"),
            Num("seconds", 3600),
            // New ids start after the seeded ones (a seeded id 1 000 000 would otherwise be inserted again).
            (long)Num("first-id", Math.Max(1_000_000, Num("seed-max-id", 0) + 1)),
            (long)Num("seed-max-id", 0));
    }
}

using System.Diagnostics;
using Cutover.Migration;
using Cutover.State;

namespace Cutover.Cli.Infrastructure;

/// <summary>Plain, timestamped log lines for CI and pipes: a line per phase, progress every few seconds, a line per finished entity.</summary>
internal sealed class PlainObserver(TextWriter writer) : IMigrationObserver
{
    private readonly Dictionary<string, (long Total, long Start, Stopwatch Clock, TimeSpan Last)> _entities = [];

    private void Line(string text) => writer.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} {CliRuntime.Redact(text)}");

    public void Phase(string phase, string detail) => Line($"phase {phase}: {detail}");

    public void EntityStarted(string entity, long total, long done)
    {
        _entities[entity] = (total, done, Stopwatch.StartNew(), TimeSpan.Zero);
        if (total >= 0)
        {
            Line($"{entity}: {(done > 0 ? $"resuming at {done}/{total}" : $"starting, {total} rows")}");
        }
    }

    public void Progress(string entity, long done)
    {
        if (!_entities.TryGetValue(entity, out var e) || e.Clock.Elapsed - e.Last < TimeSpan.FromSeconds(2))
        {
            return;
        }
        _entities[entity] = e with { Last = e.Clock.Elapsed };
        var rate = (done - e.Start) / Math.Max(e.Clock.Elapsed.TotalSeconds, 0.001);
        var eta = rate > 0 && e.Total > done ? TimeSpan.FromSeconds((e.Total - done) / rate) : TimeSpan.Zero;
        var pct = e.Total > 0 ? $" ({100.0 * done / e.Total:F0}%)" : "";
        Line($"{entity}: {done}/{e.Total}{pct} {rate:F0} rows/s eta {eta:hh\\:mm\\:ss}");
    }

    public void EntityFinished(EntityProgress p) =>
        Line($"{p.Entity}: done, {p.Written} written, {p.Rejected} rejected, {p.Seconds:F1}s");

    public void Info(string message) => Line(message);

    public void Warn(string message) => Line("warning: " + message);
}

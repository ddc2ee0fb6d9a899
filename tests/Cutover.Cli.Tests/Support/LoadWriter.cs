using System.Diagnostics;
using System.Text.Json;

namespace Cutover.Cli.Tests.Support;

/// <summary>
/// Runs tests/Cutover.Writer (the application stand-in) as its own process: it writes to whichever store the plan's
/// control state names authoritative, until <see cref="StopAsync"/>, and reports what was acknowledged.
/// </summary>
public sealed class LoadWriter : IDisposable
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "cutover-writer.dll");
    private readonly Process _process;
    private readonly string _stopFile;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    public LoadWriter(string workDir, string plan, string sourceConn, string targetConn, bool postgres, double rate, long seedMaxId)
    {
        _stopFile = Path.Combine(workDir, "writer.stop");
        LogPath = Path.Combine(workDir, "writer.log");
        ModelPath = Path.Combine(workDir, "writer.model.json");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            Dll, "--plan", plan, "--source", sourceConn, "--target", targetConn, "--engine", postgres ? "postgres" : "sqlite",
            "--rate", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log", LogPath, "--model", ModelPath,
            "--stop-file", _stopFile, "--seed-max-id", seedMaxId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi)!;
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderr = _process.StandardError.ReadToEndAsync();
    }

    public string LogPath { get; }

    public string ModelPath { get; }

    /// <summary>Acknowledged writes so far (lines in the log; the writer flushes at the end, so this reads after <see cref="StopAsync"/>).</summary>
    public sealed record Summary(long Acked, long Refused, long OnSource, long OnTarget, double MaxGapMs, IReadOnlyDictionary<long, string?> Model);

    public async Task<Summary> StopAsync()
    {
        await File.WriteAllTextAsync(_stopFile, "stop");
        if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException("the writer did not stop");
        }
        var stdout = await _stdout;
        Assert.True(_process.ExitCode == 0, $"writer failed: exit {_process.ExitCode}\n{stdout}\n{await _stderr}");
        using var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = summary.RootElement;
        var model = new Dictionary<long, string?>();
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(ModelPath));
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var row = e.GetProperty("row");
            model[e.GetProperty("id").GetInt64()] = row.ValueKind == JsonValueKind.Null ? null
                : Fingerprint(row.GetProperty("Id").GetInt64(), row.GetProperty("Name").GetString()!, row.GetProperty("Qty").GetInt64(), row.GetProperty("Price").GetDouble());
        }
        return new Summary(root.GetProperty("acked").GetInt64(), root.GetProperty("refused").GetInt64(), root.GetProperty("on_source").GetInt64(),
            root.GetProperty("on_target").GetInt64(), root.GetProperty("max_gap_ms").GetDouble(), model);
    }

    /// <summary>An items row as <see cref="Db.Rows"/> and <see cref="Pg.Rows"/> print it.</summary>
    public static string Fingerprint(long id, string name, long qty, double price) => $"{Db.Cell(id)}|{Db.Cell(name)}|{Db.Cell(qty)}|{Db.Cell(price)}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}

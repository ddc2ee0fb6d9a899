using System.Diagnostics;

namespace Cutover.Cli.Tests.Support;

/// <summary>Runs the real <c>cutover</c> binary (built beside the tests) as a separate process, as a user would.</summary>
public static class CutoverCli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "cutover.dll");

    public static ProcessStartInfo StartInfo(string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["CI"] = "true";
        return psi;
    }

    public static CliResult Run(string workDir, params string[] args) => RunWithEnvironment(workDir, new Dictionary<string, string>(), args);

    /// <summary>Runs the CLI with extra environment variables (credentials from PGPASSWORD, say).</summary>
    public static CliResult RunWithEnvironment(string workDir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = StartInfo(workDir, args);
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("cutover " + string.Join(' ', args) + " did not finish in 3 minutes");
        }
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Runs the CLI with <paramref name="args"/> (<c>migrate PLAN ...</c>) once per fraction and kills it (SIGKILL: no cleanup, no flush) as soon as plan
    /// <paramref name="planName"/> has copied that fraction of <paramref name="total"/> rows, as its state shows
    /// (<see cref="Db.RowsCopied"/>). <paramref name="afterKill"/> runs after each kill. Returns how many kills landed
    /// before the run finished by itself.
    /// </summary>
    public static int KillDuringCopy(string workDir, string[] args, string planName, long total, IEnumerable<double> fractions, Action? afterKill = null)
    {
        var kills = 0;
        foreach (var fraction in fractions)
        {
            using var p = Start(workDir, args);
            var clock = Stopwatch.StartNew();
            while (!p.HasExited && Db.RowsCopied(workDir, planName) < fraction * total && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(5);
            }
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                kills++;
                afterKill?.Invoke();
            }
        }
        return kills;
    }

    /// <summary>Starts the CLI without waiting; output is drained so the child never blocks on a full pipe.</summary>
    public static Process Start(string workDir, params string[] args)
    {
        var p = Process.Start(StartInfo(workDir, args))!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }
}

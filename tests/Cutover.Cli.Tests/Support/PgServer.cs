using System.Diagnostics;

namespace Cutover.Cli.Tests.Support;

/// <summary>
/// Stops, starts and restarts the throwaway PostgreSQL of scripts/services/postgres.sh with pg_ctl (as postgres when
/// root). Every test that does this shares the whole server, so it belongs to the collection <c>ServerRestartCollection</c>, which runs alone.
/// </summary>
public static class PgServer
{
    /// <summary>pg_ctl restart -m fast. On a stopped server it starts it again with the options it last ran with.</summary>
    public static void Restart() => PgCtl("restart", "-m", "fast");

    /// <summary>pg_ctl stop -m fast: every session is ended and new connections are refused until <see cref="Restart"/>.</summary>
    public static void Stop() => PgCtl("stop", "-m", "fast");

    private static void PgCtl(params string[] command)
    {
        var envFile = Environment.GetEnvironmentVariable("CUTOVER_PG_ENV_FILE");
        Assert.False(string.IsNullOrEmpty(envFile) || !File.Exists(envFile), "CUTOVER_PG_ENV_FILE is not set; run scripts/test.sh");
        var dir = File.ReadAllLines(envFile!)
            .Where(l => l.StartsWith("CUTOVER_PG_DIR=", StringComparison.Ordinal))
            .Select(l => l["CUTOVER_PG_DIR=".Length..].Trim('\'', '"'))
            .Single();
        var pgCtl = File.Exists("/usr/lib/postgresql/15/bin/pg_ctl") ? "/usr/lib/postgresql/15/bin/pg_ctl" : "pg_ctl";
        string[] args = ["-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "server.log"), "-w", "-t", "30", .. command];
        var root = Environment.UserName == "root";
        var psi = new ProcessStartInfo(root ? "runuser" : pgCtl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (root)
        {
            foreach (var a in new[] { "-u", "postgres", "--", pgCtl })
            {
                psi.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var ctl = Process.Start(psi)!;
        var stdout = ctl.StandardOutput.ReadToEndAsync();
        var stderr = ctl.StandardError.ReadToEndAsync();
        Assert.True(ctl.WaitForExit(TimeSpan.FromSeconds(60)), $"pg_ctl {command[0]} hung");
        Assert.True(ctl.ExitCode == 0, $"pg_ctl {command[0]} failed: {stdout.Result}{stderr.Result}");
    }
}

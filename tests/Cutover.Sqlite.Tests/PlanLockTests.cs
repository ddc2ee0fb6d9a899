using System.Diagnostics;
using Cutover.Errors;
using Cutover.Sqlite.Tests.Support;
using Cutover.State;

namespace Cutover.Sqlite.Tests;

/// <summary>PlanLock is an OS lock (flock on Linux): it must hold against other processes, not just this one.</summary>
public sealed class PlanLockTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string StateDir => _dir.File("state");

    private string LockFile => Path.Combine(StateDir, "lock");

    private static string? FlockTool() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, "flock")).FirstOrDefault(File.Exists);

    /// <summary>Runs <c>flock -n LOCK true</c> in a child process: 0 when it got the lock, 1 when someone holds it.</summary>
    private int TryLockFromChild()
    {
        using var p = Process.Start(new ProcessStartInfo(FlockTool()!, ["-n", LockFile, "true"]) { UseShellExecute = false })!;
        Assert.True(p.WaitForExit(10_000), "flock did not finish");
        return p.ExitCode;
    }

    [Fact]
    public void Acquire_Held_ChildProcessCannotLockUntilDisposed()
    {
        if (FlockTool() is null)
        {
            return; // No flock(1) on this machine; the in-process test still covers the lock.
        }

        var held = PlanLock.Acquire(StateDir, "plan");
        var whileHeld = TryLockFromChild();
        held.Dispose();
        var afterDispose = TryLockFromChild();

        Assert.Equal(1, whileHeld);
        Assert.Equal(0, afterDispose);
    }

    [Fact]
    public async Task Acquire_ChildProcessHoldsLock_ThrowsRunLockedUntilChildDies()
    {
        if (FlockTool() is null)
        {
            return;
        }
        Directory.CreateDirectory(StateDir);
        using var child = Process.Start(new ProcessStartInfo(FlockTool()!, ["-o", LockFile, "sleep", "60"]) { UseShellExecute = false })!;
        try
        {
            for (var i = 0; i < 100 && TryLockFromChild() == 0; i++)
            {
                await Task.Delay(50);
            }

            var ex = Assert.Throws<CutoverException>(() => PlanLock.Acquire(StateDir, "plan"));

            Assert.Equal(ErrorCodes.RunLocked, ex.Code);
            Assert.Contains("'plan'", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        using var after = PlanLock.Acquire(StateDir, "plan");
    }

    [Fact]
    public void Acquire_TwiceInSameProcess_SecondThrowsRunLockedNamingHolder()
    {
        using var first = PlanLock.Acquire(StateDir, "plan");

        var ex = Assert.Throws<CutoverException>(() => PlanLock.Acquire(StateDir, "plan"));

        Assert.Equal(ErrorCodes.RunLocked, ex.Code);
        Assert.Contains($"pid {Environment.ProcessId}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_AfterDispose_Succeeds()
    {
        PlanLock.Acquire(StateDir, "plan").Dispose();

        PlanLock.Acquire(StateDir, "plan").Dispose();

        Assert.StartsWith($"pid {Environment.ProcessId} since ", File.ReadAllText(LockFile), StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_MissingDirectory_CreatesIt()
    {
        using var held = PlanLock.Acquire(Path.Combine(StateDir, "deep", "er"), "plan");

        Assert.True(File.Exists(Path.Combine(StateDir, "deep", "er", "lock")));
    }
}

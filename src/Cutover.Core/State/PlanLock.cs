using Cutover.Errors;

namespace Cutover.State;

/// <summary>
/// Makes sure one process at a time migrates a plan. Holds an exclusive OS lock on
/// <c>.cutover/NAME/lock</c>; the OS drops it when the process dies, even under kill -9.
/// </summary>
public sealed class PlanLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _holderPath;

    private PlanLock(FileStream stream, string holderPath)
    {
        _stream = stream;
        _holderPath = holderPath;
    }

    /// <summary>Takes the lock or throws <see cref="ErrorCodes.RunLocked"/> naming the holder.</summary>
    public static PlanLock Acquire(string stateDirectory, string planName) => Acquire(stateDirectory, planName, "lock", "plan '" + planName + "' is already being run");

    /// <summary>
    /// Takes the lock file <paramref name="file"/> in <paramref name="stateDirectory"/>; RUN_LOCKED (starting with <paramref name="what"/>)
    /// when another process holds it. <c>sync.lock</c> keeps one sync applying changes at a time.
    /// </summary>
    public static PlanLock Acquire(string stateDirectory, string planName, string file, string what)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, file);
        // The locked file cannot be opened by anyone else, not even to read it (FileShare.None is flock on Unix,
        // a sharing violation on Windows), so who holds it is also written beside it.
        var holderPath = path + ".holder";
        try
        {
            var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            fs.SetLength(0);
            var info = System.Text.Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} since {DateTimeOffset.UtcNow:O}\n");
            fs.Write(info);
            fs.Flush();
            try
            {
                File.WriteAllBytes(holderPath, info);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Only informational; the lock is held either way.
            }
            return new PlanLock(fs, holderPath);
        }
        catch (IOException)
        {
            string holder;
            try
            {
                holder = File.ReadAllText(holderPath).Trim();
            }
            catch (IOException)
            {
                holder = "another process";
            }
            throw new CutoverException(ErrorCodes.RunLocked,
                $"{what} ({(holder.Length > 0 ? holder : "another process")}); wait for it to finish or stop it, then try again");
        }
    }

    /// <summary>
    /// True when a live process holds the plan's lock. Looks without taking it for longer than an open and a
    /// close, and writes nothing (status uses this to tell a running migration from a killed one).
    /// </summary>
    /// <summary>Takes the lock, waiting up to <paramref name="wait"/> for its holder to let go.</summary>
    public static async Task<PlanLock> WaitAsync(string stateDirectory, string planName, string file, string what, TimeSpan wait, TimeProvider time, CancellationToken ct)
    {
        var until = time.GetUtcNow() + wait;
        while (true)
        {
            try
            {
                return Acquire(stateDirectory, planName, file, what);
            }
            catch (CutoverException ex) when (ex.Code == ErrorCodes.RunLocked && time.GetUtcNow() < until)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct).ConfigureAwait(false);
            }
        }
    }

    public static bool IsHeld(string stateDirectory, string file = "lock")
    {
        var path = Path.Combine(stateDirectory, file);
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_holderPath);
        }
        catch (IOException)
        {
            // Only informational; the lock itself is released below.
        }
        _stream.Dispose();
    }
}

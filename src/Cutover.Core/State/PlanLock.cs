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
    public static PlanLock Acquire(string stateDirectory, string planName)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, "lock");
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
                $"plan '{planName}' is already being run ({(holder.Length > 0 ? holder : "another process")}); wait for it to finish or stop it, then try again");
        }
    }

    /// <summary>
    /// True when a live process holds the plan's lock. Looks without taking it for longer than an open and a
    /// close, and writes nothing (status uses this to tell a running migration from a killed one).
    /// </summary>
    public static bool IsHeld(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "lock");
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

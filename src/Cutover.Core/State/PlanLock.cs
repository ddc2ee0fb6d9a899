using Cutover.Errors;

namespace Cutover.State;

/// <summary>
/// Makes sure one process at a time migrates a plan. Holds an exclusive OS lock on
/// <c>.cutover/NAME/lock</c>; the OS drops it when the process dies, even under kill -9.
/// </summary>
public sealed class PlanLock : IDisposable
{
    private readonly FileStream _stream;

    private PlanLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock or throws <see cref="ErrorCodes.RunLocked"/> naming the holder.</summary>
    public static PlanLock Acquire(string stateDirectory, string planName)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, "lock");
        try
        {
            var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // The locked file cannot be read by others, so who holds it is written beside it.
            File.WriteAllText(path + ".info", $"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.UtcNow:O}");
            return new PlanLock(fs);
        }
        catch (IOException)
        {
            string holder;
            try
            {
                holder = File.ReadAllText(path + ".info").Trim();
            }
            catch (IOException)
            {
                holder = "another process";
            }
            throw new CutoverException(ErrorCodes.RunLocked,
                $"plan '{planName}' is already being run ({(holder.Length > 0 ? holder : "another process")}); wait for it to finish or stop it, then try again");
        }
    }

    public void Dispose() => _stream.Dispose();
}

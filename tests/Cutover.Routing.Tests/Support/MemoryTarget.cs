using System.Collections.Concurrent;
using Cutover.Routing;

namespace Cutover.Routing.Tests.Support;

/// <summary>A store in memory that counts its calls, can be told to fail, and can hold writes until released.</summary>
internal sealed class MemoryTarget(string name) : IMigrationTarget<string, string>
{
    private int _reads;
    private int _writes;
    private int _deletes;

    public string Name { get; } = name;

    public ConcurrentDictionary<string, string> Values { get; } = new();

    /// <summary>When set, every call throws this.</summary>
    public Exception? FailWith { get; set; }

    /// <summary>When set, writes and deletes wait for it after saying they started.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Reads => _reads;

    public int Writes => _writes;

    public int Deletes => _deletes;

    public ValueTask<string?> ReadAsync(string key, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        if (FailWith is { } e)
        {
            throw e;
        }
        return ValueTask.FromResult(Values.TryGetValue(key, out var v) ? v : null);
    }

    public async ValueTask WriteAsync(string key, string value, CancellationToken ct)
    {
        Interlocked.Increment(ref _writes);
        WriteStarted.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task;
        }
        if (FailWith is { } e)
        {
            throw e;
        }
        Values[key] = value;
    }

    public ValueTask DeleteAsync(string key, CancellationToken ct)
    {
        Interlocked.Increment(ref _deletes);
        if (FailWith is { } e)
        {
            throw e;
        }
        Values.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }
}

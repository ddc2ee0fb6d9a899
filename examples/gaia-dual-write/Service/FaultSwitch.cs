namespace Gaia.Service;

/// <summary>The new store's injected fault: writes throw while <see cref="Failing"/>, and wait <see cref="Latency"/> first.</summary>
public sealed class FaultSwitch
{
    private volatile bool _failing;
    private long _latencyTicks;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    public async ValueTask BeforeWriteAsync(CancellationToken ct)
    {
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, ct).ConfigureAwait(false);
        }
        if (_failing)
        {
            throw new InvalidOperationException("injected fault: the new session store refuses writes (POST /fault/new?on=false clears it)");
        }
    }
}

namespace Cutover.Core.Tests.Ids;

/// <summary>A deterministic random fill for generator tests: seeded, and counts how often it is called.</summary>
internal sealed class CountingRandomFill
{
    private readonly Random _rng = new(7);

    public int Calls { get; private set; }

    public void Fill(Span<byte> span)
    {
        Calls++;
        _rng.NextBytes(span);
    }
}

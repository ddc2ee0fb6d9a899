namespace Cutover.Core.Tests.Ids;

/// <summary>A settable clock for tests (Microsoft.Extensions.TimeProvider.Testing is not available).</summary>
internal sealed class FakeTimeProvider : TimeProvider
{
    public FakeTimeProvider(DateTimeOffset now) => Now = now;

    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;

    public void SetUnixMs(long ms) => Now = DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

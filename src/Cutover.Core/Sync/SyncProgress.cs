using System.Text.Json;
using Cutover.State;

namespace Cutover.Sync;

/// <summary>How far sync has come in one direction: changes applied in all, the capture position, when and how late the last batch landed.</summary>
public sealed record SyncProgress(long Applied, string? Position, DateTimeOffset At, double LastLagMs)
{
    public static readonly SyncProgress None = new(0, null, DateTimeOffset.MinValue, 0);

    public static async Task<SyncProgress> ReadAsync(IStateStore state, SyncDirection direction, CancellationToken ct)
    {
        var json = await state.GetValueAsync(ControlKeys.Sync(direction), ct).ConfigureAwait(false);
        return json is null ? None : JsonSerializer.Deserialize<SyncProgress>(json) ?? None;
    }

    public Task SaveAsync(IStateStore state, SyncDirection direction, CancellationToken ct) =>
        state.SetValueAsync(ControlKeys.Sync(direction), JsonSerializer.Serialize(this), ct);
}

using System.Globalization;
using Cutover.Capture;
using Cutover.Cli.Infrastructure;
using Cutover.Plan;
using Cutover.State;
using Cutover.Sync;

namespace Cutover.Cli.Commands;

/// <summary>
/// The live part of <c>cutover status</c>: authority, maintenance, pause, a hand-over in progress, and for a plan with
/// capture, what is installed on each store and the lag (changes pending and the age of the oldest) of the direction
/// sync runs in now. A store that cannot be reached is reported, not fatal.
/// </summary>
internal sealed record LiveStatus(
    string Authority,
    bool Maintenance,
    bool Paused,
    string? Handover,
    Dictionary<string, object?>? Capture,
    Dictionary<string, SyncProgress>? Sync,
    long Pending,
    double? OldestAgeMs,
    string DirectionName)
{
    /// <summary>Set when 'cutover complete' has run.</summary>
    public bool Complete { get; init; }

    public static async Task<LiveStatus> ReadAsync(MigrationPlan plan, IStateStore state, CancellationToken ct)
    {
        var authority = await state.GetValueAsync(ControlKeys.Authority, ct).ConfigureAwait(false) ?? "source";
        var maintenance = await state.GetValueAsync(ControlKeys.Maintenance, ct).ConfigureAwait(false) == "on";
        var paused = await state.GetValueAsync(ControlKeys.Paused, ct).ConfigureAwait(false) == "true";
        var handover = await state.GetValueAsync(ControlKeys.Handover, ct).ConfigureAwait(false);
        var active = authority == "target" ? SyncDirection.Reverse : SyncDirection.Forward;
        if (plan.Capture == CaptureMode.None || await state.GetValueAsync(ControlKeys.Stage, ct).ConfigureAwait(false) == "complete")
        {
            // Nothing to show, or 'cutover complete' removed it all.
            return new LiveStatus(authority, maintenance, paused, handover, null, null, 0, null, Name(active)) { Complete = plan.Capture != CaptureMode.None };
        }
        var capture = new Dictionary<string, object?> { ["mode"] = plan.Capture.ToString().ToLowerInvariant() };
        var sync = new Dictionary<string, SyncProgress>();
        long pending = 0;
        double? oldest = null;
        foreach (var direction in new[] { SyncDirection.Forward, SyncDirection.Reverse })
        {
            var side = direction.From();
            sync[direction.Word()] = await SyncProgress.ReadAsync(state, direction, ct).ConfigureAwait(false);
            try
            {
                await using var c = await SyncPath.OpenCaptureAsync(CliRuntime.Registry, plan, direction, ct).ConfigureAwait(false);
                var s = await c.StatusAsync(ct).ConfigureAwait(false);
                double? age = s.OldestAt is { } at ? Math.Max(0, (DateTimeOffset.UtcNow - at).TotalMilliseconds) : null;
                capture[side] = new { installed = s.Guarded || s.Capturing, capturing = s.Capturing, frozen = s.Frozen, pending = s.Pending, oldest_age_ms = age is null ? (double?)null : Math.Round(age.Value), detail = s.Detail };
                if (direction == active)
                {
                    pending = s.Pending;
                    oldest = age;
                }
            }
            catch (Errors.CutoverException ex)
            {
                capture[side] = new { error = ex.Code, message = CliRuntime.Redact(ex.Message) };
            }
        }
        return new LiveStatus(authority, maintenance, paused, handover, capture, sync, pending, oldest is null ? null : Math.Round(oldest.Value), Name(active));
    }

    /// <summary>Lines for people: one for the control state, one for the lag.</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"authority: {Authority}; maintenance: {(Maintenance ? "on" : "off")}" + (Capture is null && Complete ? "; migration complete (capture removed, run archived)" : "") + (Paused ? "; PAUSED (resume with: cutover resume)" : "")
            + (Handover is null ? "" : $"; hand-over in progress: {Handover} (run the same command again to finish it, or cutover rollback to undo a cut-over)");
        if (Capture is not null)
        {
            var age = OldestAgeMs is { } ms ? $", oldest {DurationText.Format(TimeSpan.FromMilliseconds(ms))} old" : "";
            yield return $"capture: {Capture["mode"]}; lag ({DirectionName}): {Pending.ToString(CultureInfo.InvariantCulture)} changes pending{age}";
        }
    }

    private static string Name(SyncDirection d) => d == SyncDirection.Forward ? "source -> target" : "target -> source";
}

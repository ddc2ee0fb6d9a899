namespace Cutover.Capture;

/// <summary>
/// What Cutover has installed on one store and how far behind it is. <see cref="Guarded"/>: the control table and the
/// write-freeze triggers are in place; <see cref="Capturing"/>: changes are being recorded; <see cref="Frozen"/>: writes by
/// anyone but Cutover are refused (with <see cref="FreezeMessage"/>). <see cref="Pending"/> changes wait to be applied, the
/// oldest recorded at <see cref="OldestAt"/> (null when none). <see cref="Detail"/>: anything else worth showing (a slot's
/// retained WAL, say).
/// </summary>
public sealed record CaptureStatus(
    CaptureMode Mode,
    bool Guarded,
    bool Capturing,
    bool Frozen,
    string? FreezeMessage,
    long Pending,
    DateTimeOffset? OldestAt,
    string? Detail = null)
{
    public static CaptureStatus NotInstalled(CaptureMode mode) => new(mode, false, false, false, null, 0, null);
}

namespace Cutover.Capture;

/// <summary>
/// One row change as the source committed it. <see cref="Row"/> is the row after an insert or update and the row as it was
/// before a delete (at least its key columns), laid out as <see cref="CaptureTable.Columns"/>. <see cref="Seq"/> orders
/// changes; <see cref="Tx"/> tells which source transaction made it (changes of one transaction are applied together);
/// <see cref="At"/> is when the source recorded it (lag is measured from it).
/// </summary>
public sealed record CapturedChange(long Seq, long Tx, string Table, ChangeKind Kind, object?[] Row, DateTimeOffset At);

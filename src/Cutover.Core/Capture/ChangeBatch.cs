namespace Cutover.Capture;

/// <summary>
/// Whole source transactions, in the order the source committed them. Once applied, the batch is acknowledged
/// (<see cref="IChangeCapture.AcknowledgeAsync"/>) so it is not read again; a batch applied but not acknowledged (a crash in
/// between) is read again and applied again, which is harmless: applying is by key, and the rows are the same.
/// <see cref="Position"/> is where the capture stands after the batch (a changelog sequence number or a WAL position), for status.
/// </summary>
public sealed record ChangeBatch(IReadOnlyList<CapturedChange> Changes, int Transactions, string Position)
{
    /// <summary>Opaque data the capture needs to acknowledge the batch (the changelog rows to delete, the LSN to confirm).</summary>
    public object? Token { get; init; }
}

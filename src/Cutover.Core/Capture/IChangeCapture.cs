namespace Cutover.Capture;

/// <summary>
/// Change capture and the write freeze on one store (the source, and after a cut-over the target, whose writes flow back).
/// Everything it installs is named <c>_cutover_*</c> and removed by <see cref="RemoveAsync"/>; every call is safe to repeat,
/// so a command killed half-way and run again finishes the job. See docs/capture.md for the objects and their rules.
/// </summary>
public interface IChangeCapture : IAsyncDisposable
{
    CaptureMode Mode { get; }

    /// <summary>The store, safe to print.</summary>
    string Display { get; }

    /// <summary>
    /// Installs the control table and the write-freeze triggers on <paramref name="tables"/> (not frozen). Writes made through
    /// <see cref="Connectors.ITargetStore.ApplyAsync"/> pass the freeze and are never captured, so applying changes in one direction
    /// does not echo them back.
    /// </summary>
    Task InstallGuardAsync(IReadOnlyList<CaptureTable> tables, CancellationToken ct);

    /// <summary>Starts recording every insert, update and delete on <paramref name="tables"/> (installs the guard too). Already started: nothing changes.</summary>
    Task StartAsync(IReadOnlyList<CaptureTable> tables, CancellationToken ct);

    Task<CaptureStatus> StatusAsync(CancellationToken ct);

    /// <summary>
    /// Freezes (or unfreezes) writes: once this returns, a write by anyone but Cutover fails with <paramref name="message"/>,
    /// and every write that was in progress has committed or failed (so draining the changelog afterwards sees all of them).
    /// </summary>
    Task SetFrozenAsync(bool frozen, string message, CancellationToken ct);

    /// <summary>
    /// How long the last <see cref="SetFrozenAsync"/> waited before the freeze took hold, while the application's writes were
    /// still accepted (SQLite: for the write lock its writes held). A hand-over leaves it out of the write pause it reports.
    /// </summary>
    TimeSpan LastFreezeWait => TimeSpan.Zero;

    /// <summary>
    /// The next changes in commit order, whole transactions only: about <paramref name="maxChanges"/> (more when one transaction
    /// is larger). An empty batch when nothing is pending.
    /// </summary>
    Task<ChangeBatch> ReadAsync(int maxChanges, CancellationToken ct);

    /// <summary>Marks <paramref name="batch"/> applied so it is not read again.</summary>
    Task AcknowledgeAsync(ChangeBatch batch, CancellationToken ct);

    /// <summary>Removes the triggers, changelog, control table, publication and slot Cutover installed. Nothing installed: nothing happens.</summary>
    Task RemoveAsync(CancellationToken ct);
}

using Cutover.Schema;

namespace Cutover.Connectors;

/// <summary>A store rows are written to. Every write to a target goes through this seam.</summary>
public interface ITargetStore : ISourceStore
{
    /// <summary>True when the store already exists (a file, a database).</summary>
    bool Exists { get; }

    /// <summary>
    /// True when several connections may write at once and gain from it (PostgreSQL). SQLite takes one writer at a time,
    /// so a parallel copy into it runs one job.
    /// </summary>
    bool ParallelWrites { get; }

    /// <summary>Checks the target can be written, without writing anything.</summary>
    Task CheckWritableAsync(CancellationToken ct);

    /// <summary>Free bytes where the target grows, or null when the store cannot tell.</summary>
    Task<long?> FreeBytesAsync(CancellationToken ct);

    Task<bool> TableExistsAsync(string table, CancellationToken ct);

    /// <summary>The DDL <see cref="CreateTableAsync"/> would run, for dry runs.</summary>
    string DescribeCreate(TargetTable table);

    Task CreateTableAsync(TargetTable table, bool replace, CancellationToken ct);

    /// <summary>Builds secondary indexes once the rows are in (faster than maintaining them row by row).</summary>
    Task CreateIndexesAsync(TargetTable table, CancellationToken ct);

    /// <summary>
    /// Adds the table's foreign keys after the copy, once every table has its keys (a store that can only declare them in
    /// CREATE TABLE, like SQLite, has nothing to do here).
    /// </summary>
    Task CreateForeignKeysAsync(TargetTable table, CancellationToken ct);

    /// <summary>Writes one batch in one transaction. Rows the store refuses are reported, not thrown, so the caller records them.</summary>
    Task<WriteResult> WriteBatchAsync(TargetTable table, IReadOnlyList<object?[]> rows, WriteMode mode, bool stopOnFirstFailure, CancellationToken ct);

    /// <summary>Rows of <paramref name="table"/> whose foreign keys point at no parent row (loads run with enforcement off).</summary>
    Task<long> CountForeignKeyViolationsAsync(string table, CancellationToken ct);

    /// <summary>
    /// Rows of <paramref name="table"/> whose <paramref name="foreignKey"/> columns are all non-NULL and match no row of its
    /// parent table (SQL's MATCH SIMPLE: a row with a NULL in the key points nowhere and is not counted), with the keys of the
    /// first <paramref name="samples"/> of them in key order. Works whether or not the store enforces or even declares the
    /// foreign key. A store that cannot tell throws <see cref="Errors.ErrorCodes.UnsupportedSchema"/>.
    /// </summary>
    Task<ForeignKeyViolations> FindForeignKeyViolationsAsync(TargetTable table, ForeignKeySchema foreignKey, int samples, CancellationToken ct) =>
        throw new Errors.CutoverException(Errors.ErrorCodes.UnsupportedSchema, $"{Display}: this store cannot look for rows whose foreign keys point nowhere");

    /// <summary>
    /// The store's own integrity checks over <paramref name="tables"/> (which exist), for <c>cutover audit</c>: SQLite's
    /// <c>integrity_check</c> and <c>foreign_key_check</c>, PostgreSQL's invalid indexes and constraints not validated. Each
    /// finding uses a check id of <see cref="Verification.AuditChecks"/>. None by default.
    /// </summary>
    Task<IReadOnlyList<Verification.AuditFinding>> CheckIntegrityAsync(IReadOnlyList<string> tables, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Verification.AuditFinding>>([]);

    /// <summary>Deletes rows by key (repair and retry).</summary>
    Task DeleteKeysAsync(TargetTable table, IReadOnlyList<IReadOnlyList<object?>> keys, CancellationToken ct);

    /// <summary>Makes sequences/counters continue past the copied keys.</summary>
    Task FinishTableAsync(TargetTable table, ISourceStore source, string sourceTable, CancellationToken ct);

    /// <summary>
    /// <paramref name="row"/> (laid out as <see cref="WriteBatchAsync"/> takes it) as this store gives it back from
    /// <see cref="ISourceStore.ReadAsync"/> once written: SQLite stores a timestamp as its ISO text, PostgreSQL reads a number
    /// written into a numeric column back as an exact decimal. Verification compares the target's rows with the source's
    /// rows passed through this, so both sides hold the same kinds (docs/checksums.md). A value the store would refuse is
    /// left as it is.
    /// </summary>
    object?[] AsStored(TargetTable table, object?[] row) => row;

    /// <summary>
    /// True when <see cref="AsStored"/> gives back every value of the kinds <paramref name="kinds"/> unchanged in column
    /// <paramref name="index"/> of <paramref name="table"/>'s rows (laid out as <see cref="WriteBatchAsync"/> takes them: the
    /// rowid first for a rowid table). Verification checksums a source range without transforming its rows only when this
    /// holds (<see cref="Verification.VerbatimChecksum"/>). False by default: a store that does not say is taken to change them.
    /// </summary>
    bool KeepsAsStored(TargetTable table, int index, Values.ValueKinds kinds) => false;

    /// <summary>How far the store's replicas are behind it, when it has replicas and can tell (throttle.max_lag); null otherwise.</summary>
    Task<TimeSpan?> ReplicaLagAsync(CancellationToken ct) => Task.FromResult<TimeSpan?>(null);

    /// <summary>
    /// Applies captured changes in ONE transaction: first the upserts of each entry in the order given (parents before
    /// children), then the deletes of each entry in reverse order (children before parents). Idempotent: applying the same
    /// changes twice leaves the same rows. These writes pass Cutover's write freeze and are not captured by Cutover's own
    /// triggers on this store (docs/capture.md), so changes applied in one direction never echo back.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<TableChanges> changes, CancellationToken ct) =>
        throw new Errors.CutoverException(Errors.ErrorCodes.CaptureUnsupported, $"{Display}: this store cannot apply captured changes");
}

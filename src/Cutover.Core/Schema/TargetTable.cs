namespace Cutover.Schema;

/// <summary>
/// The table Cutover creates (or writes into) on the target. <see cref="KeyIsRowid"/> means the rows are
/// told apart by SQLite's rowid, which is then copied explicitly.
/// </summary>
public sealed record TargetTable(
    string Name,
    IReadOnlyList<TargetColumn> Columns,
    IReadOnlyList<string> Key,
    bool KeyIsRowid,
    bool WithoutRowid,
    bool AutoIncrement,
    IReadOnlyList<ForeignKeySchema> ForeignKeys,
    IReadOnlyList<IndexSchema> Indexes)
{
    /// <summary>
    /// The primary key the table declares when rows are copied by rowid (a source key that allowed NULLs, say):
    /// the constraint is kept even though it is not what the copy pages by.
    /// </summary>
    public IReadOnlyList<string> DeclaredPrimaryKey { get; init; } = [];

    /// <summary>
    /// The key's values are unique before any row is written: the source's own key (checked unique in preflight) copied
    /// without a cast, or a new ULID per old key. A target may then build its primary key after the rows are in, which
    /// loads faster; a key that a cast could make collide keeps its constraint during the copy, so a clash is rejected
    /// per row with its key.
    /// </summary>
    public bool KeyAfterCopy { get; init; }
}

namespace Cutover.Connectors;

/// <summary>
/// Read <paramref name="Columns"/> of <paramref name="Table"/> in key order. When <paramref name="After"/> is set,
/// only rows whose key sorts after it (keyset paging, so a resumed read skips what was copied).
/// When <paramref name="Until"/> is set, only rows whose key sorts at or before it (one key range of a split table).
/// When <paramref name="Keys"/> is set, only those keys (retry and repair).
/// <see cref="Nulls"/> says what to do with rows that have a NULL in a key column (a range's bounds never hold them).
/// </summary>
public sealed record ReadRequest(
    string Table,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> Key,
    bool KeyIsRowid,
    IReadOnlyList<object?>? After = null,
    IReadOnlyList<IReadOnlyList<object?>>? Keys = null,
    IReadOnlyList<object?>? Until = null)
{
    /// <summary>Rows with a NULL in a key column: as the range has them (<see cref="KeyNulls.Any"/>), left out, or the only ones read.</summary>
    public KeyNulls Nulls { get; init; } = KeyNulls.Any;
}

/// <summary>
/// Which rows with a NULL in a key column a read returns. A range predicate (<c>key &gt; a</c>, <c>key &lt;= b</c>) is never true
/// for NULL, so a comparison cut into ranges reads them apart: every range with <see cref="None"/>, one more read with
/// <see cref="Only"/>. A NULL cannot page (nothing sorts after it), so an <see cref="Only"/> read is one statement.
/// </summary>
public enum KeyNulls
{
    Any,
    None,
    Only,
}

namespace Cutover.Connectors;

/// <summary>
/// Read <paramref name="Columns"/> of <paramref name="Table"/> in key order. When <paramref name="After"/> is set,
/// only rows whose key sorts after it (keyset paging, so a resumed read skips what was copied).
/// When <paramref name="Until"/> is set, only rows whose key sorts at or before it (one key range of a split table).
/// When <paramref name="Keys"/> is set, only those keys (retry and repair).
/// </summary>
public sealed record ReadRequest(
    string Table,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> Key,
    bool KeyIsRowid,
    IReadOnlyList<object?>? After = null,
    IReadOnlyList<IReadOnlyList<object?>>? Keys = null,
    IReadOnlyList<object?>? Until = null);

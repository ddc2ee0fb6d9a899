namespace Cutover.Capture;

/// <summary>
/// A table whose writes are captured. Row images carry <see cref="Columns"/> in this order, each value the boxed kind
/// <see cref="Connectors.ISourceStore.ReadAsync"/> yields for it (so captured rows go through the same transforms as copied
/// ones). <see cref="KeyIsRowid"/>: SQLite's rowid is the key and is one of <see cref="Columns"/> (named <c>rowid</c>).
/// </summary>
public sealed record CaptureTable(string Table, IReadOnlyList<string> Columns, IReadOnlyList<string> Key, bool KeyIsRowid);

namespace Cutover.Sqlite.Internal;

/// <summary>
/// Straight into e_sqlite3 with the statement's pointer (<see cref="SqliteNative"/>), a few times cheaper per column than
/// <see cref="RawColumns"/>. The caller holds a reference on the statement's handle while it is used.
/// </summary>
internal readonly unsafe struct NativeColumns(nint stmt) : ISqliteColumns
{
    public int Step() => SqliteNative.Step(stmt);

    public int Type(int i) => SqliteNative.ColumnType(stmt, i);

    public long Int64(int i) => SqliteNative.ColumnInt64(stmt, i);

    public double Double(int i) => SqliteNative.ColumnDouble(stmt, i);

    public ReadOnlySpan<byte> Bytes(int i)
    {
        // sqlite3_column_blob first, then sqlite3_column_bytes: the order SQLite documents for a value's size.
        var p = SqliteNative.ColumnBlob(stmt, i);
        return new ReadOnlySpan<byte>(p, SqliteNative.ColumnBytes(stmt, i));
    }
}

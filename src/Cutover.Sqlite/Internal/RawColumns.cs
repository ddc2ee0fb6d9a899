using SQLitePCL;

namespace Cutover.Sqlite.Internal;

/// <summary>Through SQLitePCLRaw's <see cref="raw"/>: each call marshals the statement's SafeHandle.</summary>
internal readonly struct RawColumns(sqlite3_stmt stmt) : ISqliteColumns
{
    public int Step() => raw.sqlite3_step(stmt);

    public int Type(int i) => raw.sqlite3_column_type(stmt, i);

    public long Int64(int i) => raw.sqlite3_column_int64(stmt, i);

    public double Double(int i) => raw.sqlite3_column_double(stmt, i);

    public ReadOnlySpan<byte> Bytes(int i) => raw.sqlite3_column_blob(stmt, i);
}

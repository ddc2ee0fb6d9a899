namespace Cutover.Sqlite.Internal;

/// <summary>Stepping a statement and reading its current row's columns: what <see cref="SqliteRangeChecksum"/> needs.</summary>
internal interface ISqliteColumns
{
    int Step();

    int Type(int i);

    long Int64(int i);

    double Double(int i);

    /// <summary>A TEXT or BLOB value's bytes, as stored (valid until the next step).</summary>
    ReadOnlySpan<byte> Bytes(int i);
}

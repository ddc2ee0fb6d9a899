using System.Runtime.InteropServices;
using SQLitePCL;

namespace Cutover.Sqlite.Internal;

/// <summary>
/// e_sqlite3's step and column functions as function pointers. The column getters are marked SuppressGCTransition: they
/// return at once, never block and never call back into .NET. Available only when SQLitePCLRaw's provider is e_sqlite3 and
/// the library loaded here is the very one it uses (the same address for <c>sqlite3_libversion</c>'s text), so a statement
/// of one SQLite is never handed to another.
/// </summary>
internal static unsafe class SqliteNative
{
    private static readonly delegate* unmanaged[Cdecl]<nint, int> s_step;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, int> s_type;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, long> s_int64;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, double> s_double;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, byte*> s_blob;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, int> s_bytes;

    static SqliteNative()
    {
        try
        {
            if (raw.GetNativeLibraryName() != "e_sqlite3"
                || !NativeLibrary.TryLoad("e_sqlite3", typeof(SQLite3Provider_e_sqlite3).Assembly, null, out var lib)
                || !NativeLibrary.TryGetExport(lib, "sqlite3_libversion", out var version))
            {
                return;
            }
            var mine = ((delegate* unmanaged[Cdecl]<byte*>)version)();
            fixed (byte* theirs = raw.sqlite3_libversion())
            {
                if (mine != theirs)
                {
                    return;
                }
            }
            s_step = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(lib, "sqlite3_step");
            s_type = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, int>)NativeLibrary.GetExport(lib, "sqlite3_column_type");
            s_int64 = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, long>)NativeLibrary.GetExport(lib, "sqlite3_column_int64");
            s_double = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, double>)NativeLibrary.GetExport(lib, "sqlite3_column_double");
            s_blob = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, byte*>)NativeLibrary.GetExport(lib, "sqlite3_column_blob");
            s_bytes = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, int>)NativeLibrary.GetExport(lib, "sqlite3_column_bytes");
            Available = true;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException or BadImageFormatException)
        {
            Available = false;
        }
    }

    /// <summary>Whether the functions below may be called.</summary>
    public static bool Available { get; }

    public static int Step(nint stmt) => s_step(stmt);

    public static int ColumnType(nint stmt, int i) => s_type(stmt, i);

    public static long ColumnInt64(nint stmt, int i) => s_int64(stmt, i);

    public static double ColumnDouble(nint stmt, int i) => s_double(stmt, i);

    public static byte* ColumnBlob(nint stmt, int i) => s_blob(stmt, i);

    public static int ColumnBytes(nint stmt, int i) => s_bytes(stmt, i);
}

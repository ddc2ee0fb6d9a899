using System.Data.Common;
using Cutover.Capture;
using Cutover.Connectors;
using Cutover.Sqlite.Tests.Support;
using Cutover.Testing.Conformance;
using Cutover.Values;

namespace Cutover.Sqlite.Tests.Conformance;

/// <summary>The capture conformance suite on real SQLite files in WAL mode (what applications writing concurrently use).</summary>
public class SqliteCaptureConformanceTests : CaptureConformance
{
    private readonly TempDir _dir = new();
    private readonly SqliteStoreProvider _provider = new();
    private int _files;

    /// <summary>The journal mode every store is created in.</summary>
    protected virtual string JournalMode => "WAL";

    /// <summary>
    /// The application's <c>trusted_schema</c>: with OFF, functions in triggers must be ones SQLite marks innocuous, so the
    /// triggers Cutover installs must use only those.
    /// </summary>
    protected virtual bool TrustedSchema => true;

    protected override string DeclaredType(ValueKind kind) => kind switch
    {
        ValueKind.Integer => "INTEGER",
        ValueKind.Real => "REAL",
        ValueKind.Text => "TEXT",
        ValueKind.Blob => "BLOB",
        _ => "",
    };

    protected override Task<string> CreateStoreCoreAsync(IReadOnlyList<string> ddl)
    {
        var path = _dir.File($"store-{++_files}.db");
        SqliteFile.Exec(path, $"PRAGMA journal_mode = {JournalMode}");
        foreach (var sql in ddl)
        {
            SqliteFile.Exec(path, sql);
        }
        return Task.FromResult(path);
    }

    protected override Task<IChangeCapture> OpenCaptureCoreAsync(string store) =>
        _provider.OpenCaptureAsync("sqlite:" + Path.GetFileName(store), _dir.Path, CaptureMode.Triggers, "conformance", CancellationToken.None);

    protected override Task<ITargetStore> OpenTargetCoreAsync(string store) =>
        _provider.OpenTargetAsync("sqlite:" + store, _dir.Path, readOnly: false, CancellationToken.None);

    protected override Task<DbConnection> ConnectApplicationAsync(string store)
    {
        var conn = SqliteFile.Open(store);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"PRAGMA busy_timeout = 10000; PRAGMA trusted_schema = {(TrustedSchema ? "ON" : "OFF")}";
        cmd.ExecuteNonQuery();
        return Task.FromResult<DbConnection>(conn);
    }

    protected override Task<IReadOnlyList<string>> CutoverObjectsAsync(string store) =>
        Task.FromResult<IReadOnlyList<string>>(SqliteFile.Query(store, "SELECT name FROM sqlite_schema WHERE name LIKE '%cutover%'").Select(r => (string)r[0]!).ToList());

    protected override Task CleanupAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The same suite on files in rollback-journal mode (the SQLite default: slower for the application, still correct), with a
/// hardened application (<c>trusted_schema = OFF</c>).
/// </summary>
public sealed class SqliteRollbackJournalCaptureConformanceTests : SqliteCaptureConformanceTests
{
    protected override string JournalMode => "DELETE";

    protected override bool TrustedSchema => false;
}

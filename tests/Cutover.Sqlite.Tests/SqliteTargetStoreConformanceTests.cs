using Cutover.Connectors;
using Cutover.Testing.Conformance;
using Cutover.Sqlite.Tests.Support;
using Cutover.Values;

namespace Cutover.Sqlite.Tests;

/// <summary>The connector conformance suite run against real SQLite files.</summary>
public sealed class SqliteTargetStoreConformanceTests : TargetStoreConformance
{
    private readonly TempDir _dir = new();
    private readonly SqliteStoreProvider _provider = new();
    private int _files;

    protected override string DeclaredType(ValueKind kind) => kind switch
    {
        ValueKind.Integer => "INTEGER",
        ValueKind.Real => "REAL",
        ValueKind.Text => "TEXT",
        ValueKind.Blob => "BLOB",
        _ => "",
    };

    protected override Task<ITargetStore> CreateEmptyTargetCoreAsync() =>
        _provider.OpenTargetAsync("sqlite:" + NextFile("target"), _dir.Path, readOnly: false, CancellationToken.None);

    protected override Task<ISourceStore> CreateSourceCoreAsync(SourceSeed seed)
    {
        var path = NextFile("source");
        foreach (var sql in seed.Sql)
        {
            SqliteFile.Exec(path, sql);
        }
        if (seed.Table is not null && seed.Rows is not null)
        {
            SqliteFile.InsertRows(path, seed.Table, seed.Columns!, seed.Rows);
        }
        return _provider.OpenSourceAsync("sqlite:" + Path.GetFileName(path), _dir.Path, CancellationToken.None);
    }

    protected override Task CleanupAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private string NextFile(string role) => _dir.File($"{role}-{++_files}.db");
}

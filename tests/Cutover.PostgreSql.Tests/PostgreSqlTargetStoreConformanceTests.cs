using Cutover.Connectors;
using Cutover.PostgreSql.Tests.Server;
using Cutover.Testing.Conformance;
using Cutover.Values;

namespace Cutover.PostgreSql.Tests;

/// <summary>The connector conformance suite run against the throwaway PostgreSQL 15, each store in its own fresh database.</summary>
public sealed class PostgreSqlTargetStoreConformanceTests : TargetStoreConformance
{
    private readonly TestDatabases _databases = new();
    private readonly PostgreSqlStoreProvider _provider = new();

    /// <summary>SQLite type names, as a plan's target columns carry them; the store maps them (BLOB is a bytea domain in source databases).</summary>
    protected override string DeclaredType(ValueKind kind) => kind switch
    {
        ValueKind.Integer => "BIGINT",
        ValueKind.Real => "DOUBLE PRECISION",
        ValueKind.Text => "TEXT",
        ValueKind.Blob => "BLOB",
        _ => "",
    };

    protected override async Task<ITargetStore> CreateEmptyTargetCoreAsync() =>
        await _provider.OpenTargetAsync(await _databases.CreateAsync(), ".", readOnly: false, CancellationToken.None);

    protected override async Task<ISourceStore> CreateSourceCoreAsync(SourceSeed seed)
    {
        var uri = await _databases.CreateAsync();
        await TestDatabases.ExecAsync(uri, [.. seed.Sql]);
        if (seed.Table is not null && seed.Rows is not null)
        {
            await TestDatabases.InsertAsync(uri, seed.Table, seed.Columns!, seed.Rows);
        }
        return await _provider.OpenSourceAsync(uri, ".", CancellationToken.None);
    }

    protected override async Task CleanupAsync() => await _databases.DisposeAsync();
}

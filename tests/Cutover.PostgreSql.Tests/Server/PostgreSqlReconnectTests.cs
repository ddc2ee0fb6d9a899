using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Schema;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>
/// A store whose connection the server ends (as a restart or an admin does: pg_terminate_backend) reports a transient
/// TARGET_UNREACHABLE on every kind of call, pg_dump included, and works again on the next call, so a retry succeeds.
/// </summary>
public sealed class PostgreSqlReconnectTests : IAsyncLifetime, IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestDatabases _databases = new();
    private readonly PostgreSqlStoreProvider _provider = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cutover-pgreconnect-");
    private ITargetStore? _target;
    private string _uri = "";

    public async Task InitializeAsync()
    {
        _uri = await _databases.CreateAsync();
        await TestDatabases.ExecAsync(_uri, "CREATE TABLE t (k bigint PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g;");
        _target = await _provider.OpenTargetAsync(_uri, ".", false, None);
    }

    public async Task DisposeAsync()
    {
        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
        await _databases.DisposeAsync();
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Database => new NpgsqlConnectionStringBuilder(Internal.PostgreSqlUri.Parse(_uri).ConnectionString).Database!;

    /// <summary>Ends the sessions of <paramref name="application"/> in this test's database, waiting until they are gone.</summary>
    private async Task<int> TerminateAsync(string application)
    {
        await using var conn = await TestDatabases.OpenAsync(_uri);
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE datname = @d AND application_name = @a AND pid <> pg_backend_pid()", conn);
        cmd.Parameters.AddWithValue("d", Database);
        cmd.Parameters.AddWithValue("a", application);
        return (int)(long)(await cmd.ExecuteScalarAsync())!;
    }

    public static TheoryData<string> Calls() => ["TableExists", "CheckWritable", "CheckKeys", "SizeBytes", "Scalar", "Count", "CreateTable", "DeleteKeys"];

    private Task Call(string name) => name switch
    {
        "TableExists" => _target!.TableExistsAsync("t", None),
        "CheckWritable" => _target!.CheckWritableAsync(None),
        "CheckKeys" => _target!.CheckKeysAsync("t", ["k"], false, None),
        "SizeBytes" => _target!.SizeBytesAsync(None),
        "Scalar" => _target!.ScalarAsync("SELECT count(*) FROM t", None),
        "Count" => _target!.CountAsync("t", None),
        "CreateTable" => _target!.CreateTableAsync(new TargetTable("made", [new TargetColumn("id", "bigint", true, null)], ["id"], false, false, false, [], []), replace: true, None),
        "DeleteKeys" => _target!.DeleteKeysAsync(new TargetTable("t", [new TargetColumn("k", "bigint", true, null)], ["k"], false, false, false, [], []), [[1L]], None),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_AfterTheServerEndsTheSession_TransientTargetUnreachable_ThenWorksAgain(string call)
    {
        await _target!.CountAsync("t", None);
        Assert.Equal(1, await TerminateAsync("cutover"));

        var ex = await Assert.ThrowsAsync<CutoverException>(() => Call(call));

        Assert.Equal(ErrorCodes.TargetUnreachable, ex.Code);
        Assert.True(ex.IsTransient, ex.Message);
        Assert.StartsWith("lost the connection to target postgres://", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_databases.Password, ex.ToString(), StringComparison.Ordinal);
        await Call(call);
    }

    [Fact]
    public async Task BackupAsync_ServerEndsPgDumpsSession_TransientTargetUnreachable_ThenASecondTryWorks()
    {
        // About 40 MB, so the dump is still running when its session is ended.
        await TestDatabases.ExecAsync(_uri, "CREATE TABLE big (k bigint PRIMARY KEY, v text); INSERT INTO big SELECT g, md5(g::text) || repeat(md5((g * 7)::text), 3) FROM generate_series(1, 300000) g;");
        var request = new BackupRequest(_dir.FullName, "run-target", ["t", "big"], []);
        var backup = ((IBackupCapable)_target!).BackupAsync(request, None);
        var ended = 0;
        while (!backup.IsCompleted && ended == 0)
        {
            ended = await TerminateAsync("cutover-backup");
        }

        var ex = await Assert.ThrowsAsync<CutoverException>(() => backup);

        Assert.Equal(1, ended);
        Assert.Equal(ErrorCodes.TargetUnreachable, ex.Code);
        Assert.True(ex.IsTransient, ex.Message);
        Assert.StartsWith("pg_dump of target postgres://", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_databases.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "run-target.pgdump")));
        var second = await ((IBackupCapable)_target!).BackupAsync(request, None);
        Assert.Null(await ((IBackupCapable)_target!).CheckBackupIntegrityAsync(second.Path, None));
    }

    [Fact]
    public async Task BackupAsync_PgDumpFailsForAnotherReason_BackupMissingNotRetried()
    {
        var request = new BackupRequest(_dir.FullName, "run-target", ["no_such_table"], []);

        var ex = await Assert.ThrowsAsync<CutoverException>(() => ((IBackupCapable)_target!).BackupAsync(request, None));

        Assert.Equal(ErrorCodes.BackupMissing, ex.Code);
        Assert.False(ex.IsTransient);
        Assert.Contains("no matching tables", ex.Message, StringComparison.Ordinal);
    }
}

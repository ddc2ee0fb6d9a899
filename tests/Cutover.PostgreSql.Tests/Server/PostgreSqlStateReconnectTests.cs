using Cutover.Errors;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>
/// The PostgreSQL state store when the server ends its session (as a restart does): the call fails with a transient
/// STATE_UNREACHABLE, the next one reconnects, and a store that held the plan's advisory lock takes it again before
/// anything else, or stops with RUN_LOCKED if another process took it meanwhile.
/// </summary>
public sealed class PostgreSqlStateReconnectTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestDatabases _databases = new();
    private readonly List<PostgreSqlStateStore> _open = [];
    private readonly string _plan = "plan-" + Guid.NewGuid().ToString("N")[..8];
    private string _uri = "";

    public async Task InitializeAsync() => _uri = await _databases.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var s in _open)
        {
            await s.DisposeAsync();
        }
        await _databases.DisposeAsync();
    }

    private async Task<PostgreSqlStateStore> OpenAsync()
    {
        var s = (await PostgreSqlStateStore.OpenAsync(_uri, _plan, create: true, None))!;
        _open.Add(s);
        return s;
    }

    /// <summary>Ends every state session in this test's database but the given ones, waiting until they are gone.</summary>
    private async Task<int> TerminateStateSessionsAsync(params int[] spare)
    {
        await using var conn = await TestDatabases.OpenAsync(_uri);
        await using var cmd = new NpgsqlCommand(
            """
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'cutover-state' AND pid <> ALL(@spare)
            """, conn);
        cmd.Parameters.AddWithValue("spare", spare);
        return (int)(long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Backend pids holding an advisory lock in this database.</summary>
    private async Task<List<int>> AdvisoryLockHoldersAsync()
    {
        await using var conn = await TestDatabases.OpenAsync(_uri);
        await using var cmd = new NpgsqlCommand(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var pids = new List<int>();
        while (await r.ReadAsync())
        {
            pids.Add(r.GetInt32(0));
        }
        return pids;
    }

    [Fact]
    public async Task Call_AfterTheServerEndsTheSession_TransientStateUnreachable_ThenReconnects()
    {
        var state = await OpenAsync();
        var run = await state.StartRunAsync("p", "h", None);
        Assert.Equal(1, await TerminateStateSessionsAsync());

        var ex = await Assert.ThrowsAsync<CutoverException>(() => state.LatestRunAsync(None));

        Assert.Equal(ErrorCodes.StateUnreachable, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.StartsWith("lost the connection to state postgres://", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_databases.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(run.Id, (await state.LatestRunAsync(None))?.Id);
    }

    [Fact]
    public async Task LockHolder_Reconnects_TakesThePlanLockAgainFirst()
    {
        var state = await OpenAsync();
        await state.LockPlanAsync(None);
        Assert.Single(await AdvisoryLockHoldersAsync());
        Assert.Equal(1, await TerminateStateSessionsAsync());
        Assert.Empty(await AdvisoryLockHoldersAsync());
        await Assert.ThrowsAsync<CutoverException>(() => state.LatestRunAsync(None));

        await state.SetValueAsync("k", "v", None);

        Assert.Single(await AdvisoryLockHoldersAsync());
        var other = await OpenAsync();
        var ex = await Assert.ThrowsAsync<CutoverException>(() => other.LockPlanAsync(None));
        Assert.Equal(ErrorCodes.RunLocked, ex.Code);
        Assert.Equal("v", await state.GetValueAsync("k", None));
    }

    [Fact]
    public async Task LockHolder_Reconnects_AnotherProcessTookTheLock_RunLockedAndNothingWritten()
    {
        var state = await OpenAsync();
        await state.LockPlanAsync(None);
        Assert.Equal(1, await TerminateStateSessionsAsync());
        var other = await OpenAsync();
        await other.LockPlanAsync(None);
        await Assert.ThrowsAsync<CutoverException>(() => state.SetValueAsync("k", "first", None));

        var ex = await Assert.ThrowsAsync<CutoverException>(() => state.SetValueAsync("k", "second", None));

        Assert.Equal(ErrorCodes.RunLocked, ex.Code);
        Assert.False(ex.IsTransient);
        Assert.Contains("another cutover process holds it now", ex.Message, StringComparison.Ordinal);
        Assert.Null(await other.GetValueAsync("k", None));
    }
}

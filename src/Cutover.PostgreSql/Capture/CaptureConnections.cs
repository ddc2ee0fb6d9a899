using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Npgsql;
using Npgsql.Replication;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// The capture's own connections, apart from the store's: a small pool for SQL and, for logical capture, replication
/// connections. Sessions read and print values as the store's do (ISO dates, UTC), so text the server produces for the
/// capture is text the store would produce. A failure to connect, or a connection lost on the way, is a transient
/// SOURCE_UNREACHABLE naming the store redacted, never the password.
/// </summary>
internal sealed class CaptureConnections : IAsyncDisposable
{
    private const string SessionOptions = "-c DateStyle=ISO -c IntervalStyle=postgres -c TimeZone=UTC";

    private readonly NpgsqlConnectionStringBuilder _settings;
    private readonly NpgsqlDataSource _dataSource;

    public CaptureConnections(string uri, string display)
    {
        Display = display;
        _settings = PostgreSqlUri.Parse(uri);
        _settings.ApplicationName ??= "cutover-capture";
        _settings.IncludeErrorDetail = true;
        _settings.Options = SessionOptions;
        _settings.Pooling = true;
        _settings.MaxPoolSize = 4;
        _settings.Enlist = false;
        _dataSource = NpgsqlDataSource.Create(_settings);
    }

    /// <summary>The store, safe to print.</summary>
    public string Display { get; }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            var transient = ex is not PostgresException pg || pg.SqlState is "57P03" or "53300" or "08006" or "08001";
            throw new CutoverException(ErrorCodes.SourceUnreachable, $"cannot connect to {Display} for change capture: {PgConnect.Reason(ex, _settings)}", transient, ex);
        }
    }

    /// <summary>Runs <paramref name="op"/> on a pooled connection; a lost connection becomes a transient SOURCE_UNREACHABLE.</summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> op, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        try
        {
            return await op(conn).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (PostgreSqlStore.IsConnectionLost(ex, conn))
        {
            throw Lost(ex);
        }
    }

    public Task RunAsync(Func<NpgsqlConnection, Task> op, CancellationToken ct) =>
        RunAsync(async c => { await op(c).ConfigureAwait(false); return true; }, ct);

    public CutoverException Lost(NpgsqlException ex) =>
        new(ErrorCodes.SourceUnreachable, $"lost the connection to {Display} (change capture): {PgConnect.Reason(ex, _settings)}", isTransient: true, ex);

    /// <summary>
    /// A logical replication connection, not yet open. Floats print exactly (shortest text that reads back as the same
    /// double, whatever the server's extra_float_digits) and bytea as hex, so every value the stream carries as text reads
    /// back as what was stored.
    /// </summary>
    public async Task<LogicalReplicationConnection> OpenReplicationAsync(CancellationToken ct)
    {
        var b = new NpgsqlConnectionStringBuilder(_settings.ConnectionString)
        {
            Pooling = false,
            Options = SessionOptions + " -c extra_float_digits=3 -c bytea_output=hex",
        };
        var conn = new LogicalReplicationConnection(b.ConnectionString);
        try
        {
            await conn.Open(ct).ConfigureAwait(false);
            return conn;
        }
        catch (NpgsqlException ex)
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            var transient = ex is not PostgresException pg || pg.SqlState is "57P03" or "53300" or "08006" or "08001";
            var hint = ex is PostgresException { SqlState: "42501" or "28000" }
                ? "; logical capture needs a role with the REPLICATION attribute (ALTER ROLE ... REPLICATION) that pg_hba.conf lets connect"
                : "";
            throw new CutoverException(ErrorCodes.SourceUnreachable,
                $"cannot open a replication connection to {Display}: {PgConnect.Reason(ex, _settings)}{hint}", transient, ex);
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

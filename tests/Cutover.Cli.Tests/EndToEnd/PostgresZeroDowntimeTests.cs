using Cutover.Cli.Tests.Support;
using Npgsql;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>The zero-downtime life cycle between two PostgreSQL databases, with trigger capture and with logical replication.</summary>
public sealed class PostgresZeroDowntimeTests : ZeroDowntimeScenario
{
    private readonly Pg _source = new();
    private readonly Pg _target = new();

    protected override bool Postgres => true;
    protected override string SourceUri => _source.Uri;
    protected override string TargetUri => _target.Uri;
    protected override string SourceConnection => Pg.ConnectionString(_source.Uri);
    protected override string TargetConnection => Pg.ConnectionString(_target.Uri);

    public override void Dispose()
    {
        _target.Dispose();
        _source.Dispose();
        base.Dispose();
    }

    protected override void CreateSource(int rows)
    {
        _source.Exec("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, qty bigint NOT NULL, price double precision)");
        using var c = _source.Open();
        using var import = c.BeginBinaryImport("COPY items (id, name, qty, price) FROM STDIN (FORMAT BINARY)");
        for (var i = 1L; i <= rows; i++)
        {
            var (n, q, p) = SeedRow(i);
            import.StartRow();
            import.Write(i, NpgsqlTypes.NpgsqlDbType.Bigint);
            import.Write(n, NpgsqlTypes.NpgsqlDbType.Text);
            import.Write(q, NpgsqlTypes.NpgsqlDbType.Bigint);
            import.Write(p, NpgsqlTypes.NpgsqlDbType.Double);
        }
        import.Complete();
    }

    protected override List<string> Rows(bool source) => (source ? _source : _target).Rows(ItemsSql);

    protected override string? TryWrite(bool source, string sql)
    {
        try
        {
            (source ? _source : _target).Exec(sql);
            return null;
        }
        catch (PostgresException ex)
        {
            return ex.MessageText;
        }
    }

    protected override bool ProbeRolledBack(bool source, string sql)
    {
        using var c = (source ? _source : _target).Open();
        using var tx = c.BeginTransaction();
        using var cmd = new NpgsqlCommand(sql, c, tx);
        try
        {
            cmd.ExecuteNonQuery();
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == "55000")
        {
            return false;
        }
        finally
        {
            tx.Rollback();
        }
    }

    protected override long CountCutoverObjects(bool source)
    {
        var db = source ? _source : _target;
        return Convert.ToInt64(db.Scalar("""
            SELECT (SELECT COUNT(*) FROM pg_namespace WHERE nspname = '_cutover')
                 + (SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE '\_cutover%')
                 + (SELECT COUNT(*) FROM pg_publication WHERE pubname LIKE 'cutover%')
                 + (SELECT COUNT(*) FROM pg_replication_slots WHERE slot_name LIKE 'cutover%' AND database = current_database())
            """));
    }

    [Fact]
    public Task LifeCycle_PostgresTriggers_LosesNoWriteAndEndsIdentical() => LifeCycle_WhileTheApplicationWrites_LosesNoWriteAndEndsIdentical("triggers");

    [Fact]
    public Task LifeCycle_PostgresLogical_LosesNoWriteAndEndsIdentical() => LifeCycle_WhileTheApplicationWrites_LosesNoWriteAndEndsIdentical("logical");

    [Fact]
    public Task KilledSyncAndCutover_Postgres_RerunEndsExactWithOneAuthority() => KilledSyncAndCutover_RerunEndsExactWithOneAuthority();
}

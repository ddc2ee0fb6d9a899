using System.Text.Json;
using Cutover.Cli.Tests.Support;
using Npgsql;

namespace Cutover.Cli.Tests.EndToEnd;

/// <summary>
/// <c>cutover audit</c> on a PostgreSQL target (the throwaway server of scripts/test.sh): a clean migration passes; a child
/// row added behind a foreign key re-added NOT VALID, and an index left invalid by a failed CREATE INDEX CONCURRENTLY, are
/// each named.
/// </summary>
public sealed class PostgreSqlAuditTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Pg _pg = new();

    public void Dispose()
    {
        _pg.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Audit_PostgresTarget_CleanPasses_ThenNamesDanglingRowsNotValidConstraintAndInvalidIndex()
    {
        var source = _dir.File("app.db");
        Db.CreateSample(source, parents: 20, childrenPerParent: 3, logs: 0);
        Db.Exec(source, "DROP TABLE logs");
        _dir.Write("cutover.yaml", Db.SamplePlanInto(_pg.Uri, ""));
        var migrate = CutoverCli.Run(_dir.Path, "migrate", "cutover.yaml");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());

        var clean = CutoverCli.Run(_dir.Path, "audit", "cutover.yaml", "--json");

        Assert.True(clean.ExitCode == 0, clean.ToString());
        var cleanFindings = JsonDocument.Parse(clean.StdOut).RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["foreign_key", "id_map", "id_map", "id_map", "check", "check", "invalid_index", "unvalidated_constraint"],
            cleanFindings.Select(f => f.GetProperty("check").GetString()));
        Assert.All(cleanFindings, f => Assert.True(f.GetProperty("ok").GetBoolean(), f.ToString()));

        // The foreign key is dropped, a row pointing nowhere goes in, and the key comes back NOT VALID (so PostgreSQL keeps the row).
        _pg.Exec("""
            DO $$ BEGIN
              EXECUTE (SELECT format('ALTER TABLE events DROP CONSTRAINT %I', conname) FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'f');
            END $$;
            INSERT INTO events (id, session_id, kind) VALUES (9001, 'nowhere', 'k');
            ALTER TABLE events ADD CONSTRAINT events_session_again FOREIGN KEY (session_id) REFERENCES sessions (id) NOT VALID;
            """);
        // A unique index built concurrently over duplicate values fails, and leaves the index behind, invalid.
        Assert.Throws<PostgresException>(() => _pg.Exec("CREATE UNIQUE INDEX CONCURRENTLY events_kind_unique ON events (kind)"));

        var r = CutoverCli.Run(_dir.Path, "audit", "cutover.yaml", "--json");

        Assert.True(r.ExitCode == 6, r.ToString());
        var root = JsonDocument.Parse(r.StdOut).RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        var failed = root.GetProperty("findings").EnumerateArray().Where(f => !f.GetProperty("ok").GetBoolean())
            .Select(f => (f.GetProperty("check").GetString(), Subject(f.GetProperty("subject").GetString()!), f.GetProperty("count").GetInt64(),
                string.Join(" ", f.GetProperty("samples").EnumerateArray().Select(s => s.GetString()))))
            .ToList();
        Assert.Equal(
            [
                ("foreign_key", "events (session_id) -> sessions (id)", 1, "9001"),
                ("check", "no orphan event", 1, ""),
                ("invalid_index", "target (2 tables)", 1, "events.events_kind_unique"),
                ("unvalidated_constraint", "target (2 tables)", 1, "events.events_session_again"),
            ],
            failed);
        Assert.StartsWith("audit: error AUDIT_FAILED: 4 of 8 checks failed; first: foreign_key events (session_id) -> sessions (id): 1 row points at no sessions row", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(_pg.Password, r.StdOut + r.StdErr, StringComparison.Ordinal);
        Assert.True(File.Exists(root.GetProperty("report").GetString()));
    }

    /// <summary>The store's checks name the target (its URI, password masked) and how many tables: the URI is left out here.</summary>
    private string Subject(string subject) => subject.StartsWith("postgres", StringComparison.Ordinal) && subject.EndsWith(" (2 tables)", StringComparison.Ordinal)
        && !subject.Contains(_pg.EncodedPassword, StringComparison.Ordinal) ? "target (2 tables)" : subject;
}

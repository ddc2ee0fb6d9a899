using Cutover.Connectors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Sqlite.Tests.Support;
using Cutover.State;
using Cutover.Verification;

namespace Cutover.Sqlite.Tests;

/// <summary>verify with <c>normalize:</c> rules: representation differences they name pass, anything else still fails.</summary>
public sealed class SqliteNormalizeVerifyTests : IDisposable
{
    private const string Plain = "name: n\nsource: sqlite:./app.db\ntarget: sqlite:./app_v2.db\nentities:\n  - table: users\n";

    private const string Normalized = Plain
        + "    normalize:\n"
        + "      email: { case_insensitive: true }\n"
        + "      name: { trim_trailing_spaces: true }\n"
        + "      seen: { timestamps: s }\n";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<EntityVerification> RunAsync(string planText, SessionMode mode)
    {
        var file = _dir.File("cutover.yaml");
        File.WriteAllText(file, planText);
        var plan = PlanLoader.Load(file);
        var registry = new StoreRegistry([new SqliteStoreProvider()]);
        await using var ctx = await MigrationSession.OpenAsync(plan, registry, (path, create) => SqliteStateStore.Open(path, create), mode, null, null, null, CancellationToken.None);
        if (mode == SessionMode.Write)
        {
            Assert.Equal(RunStatus.Completed, (await Migrator.RunAsync(ctx, CancellationToken.None)).Status);
        }
        return Assert.Single(await Verifier.VerifyAsync(ctx, ctx.Entities, CancellationToken.None));
    }

    [Fact]
    public async Task Verify_RepresentationChangesTheRulesName_MatchOnlyWithTheRules()
    {
        SqliteFile.Exec(_dir.File("app.db"), """
            CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, seen TEXT, note TEXT);
            INSERT INTO users VALUES (1, 'Ann@Example.com', 'Ann', '2024-05-01 12:00:00.250', 'a'), (2, 'bo@example.com', 'Bo  ', NULL, 'b');
            """);
        Assert.True((await RunAsync(Plain, SessionMode.Write)).Match);
        SqliteFile.Exec(_dir.File("app_v2.db"),
            "UPDATE users SET email = lower(email), name = rtrim(name, ' '), seen = CASE WHEN seen IS NULL THEN NULL ELSE '2024-05-01T12:00:00Z' END");

        var plain = await RunAsync(Plain, SessionMode.ReadOnly);
        var normalized = await RunAsync(Normalized, SessionMode.ReadOnly);

        Assert.False(plain.Match);
        Assert.True(normalized.Match, normalized.Problem);
        Assert.NotEqual(plain.SourceChecksum, normalized.SourceChecksum);
    }

    [Fact]
    public async Task Verify_DifferenceNoRuleCovers_StillFails()
    {
        SqliteFile.Exec(_dir.File("app.db"), """
            CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, seen TEXT, note TEXT);
            INSERT INTO users VALUES (1, 'ann@example.com', 'Ann', '2024-05-01 12:00:00', 'a');
            """);
        Assert.True((await RunAsync(Normalized, SessionMode.Write)).Match);

        foreach (var change in new[] { "email = 'ann@example.org'", "name = ' Ann'", "seen = '2024-05-01 12:00:01'", "note = 'A'" })
        {
            SqliteFile.Exec(_dir.File("app_v2.db"), $"UPDATE users SET {change}");
            Assert.False((await RunAsync(Normalized, SessionMode.ReadOnly)).Match, change);
            SqliteFile.Exec(_dir.File("app_v2.db"), "UPDATE users SET email = 'ann@example.com', name = 'Ann', seen = '2024-05-01 12:00:00', note = 'a'");
            Assert.True((await RunAsync(Normalized, SessionMode.ReadOnly)).Match, "put back: " + change);
        }
    }
}

using Cutover.Connectors;
using Cutover.Plan;
using Cutover.Sqlite;
using Cutover.Testing.Verification;
using Cutover.Verification;
using Microsoft.Data.Sqlite;

namespace Cutover.PostgreSql.Tests.Server;

/// <summary>
/// SQLite to PostgreSQL: when <see cref="VerbatimChecksum.CanChecksumVerbatim"/> says the source side may be checksummed as
/// read, that checksum equals the transformed one (values taken as the PostgreSQL target gives them back); a plan whose
/// target changes values (numeric columns, casts) is refused, and on that data the two really differ.
/// </summary>
public sealed class VerbatimChecksumFromSqliteTests : StoreTestBase, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cutover-verbatim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SourcePath => Path.Combine(_dir, "src.db");

    private void CreateSource()
    {
        if (File.Exists(SourcePath))
        {
            return;
        }
        using var conn = new SqliteConnection($"Data Source={SourcePath};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE t (id INTEGER PRIMARY KEY, r REAL, txt TEXT, b BLOB, i INTEGER, d DATETIME, flag BOOLEAN, j JSON, c CHAR(3), vc VARCHAR(10), price DECIMAL(10,2));
            INSERT INTO t VALUES (1, -0.0, 'héllo 日本', x'00ff', 3, '2024-05-01 12:00:00', 1, '{ "b": 1, "a": 2 }', 'ab', 'short', 12.5);
            INSERT INTO t VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            INSERT INTO t VALUES (3, 7, '', x'', 2.5, 1714566896, 0, '[1, 2.50]', 'abcd', '', 3);
            INSERT INTO t VALUES (4, 'not a number', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'text in blob', 'abc', 'not a date', 2, 'not json', 'ABC', 'ten chars!', 'n/a');
            INSERT INTO t VALUES (5, 1e-300, CAST(x'68c3' AS TEXT), 12, 9223372036854775807, '', 'yes', '7', '', 'x', -0.0);
            CREATE TABLE logs (msg TEXT, val REAL);
            INSERT INTO logs (rowid, msg, val) VALUES (1, 'one', -0.0), (5, CAST(x'fe' AS TEXT), NULL), (9, 'nine', 3), (12, x'00', 'x');
            """;
        cmd.ExecuteNonQuery();
    }

    private async Task<(BoundEntity Entity, ISourceStore Source, ITargetStore Target)> BindAsync(string entityYaml)
    {
        CreateSource();
        var source = Track(await new SqliteStoreProvider().OpenSourceAsync("sqlite:" + SourcePath, _dir, CancellationToken.None));
        var (plan, errors) = PlanLoader.Parse($"source: sqlite:src.db\ntarget: {DatabaseUri}\nentities:\n{entityYaml}\n", Path.Combine(_dir, "cutover.yaml"));
        Assert.Empty(errors);
        var (entities, bindErrors) = PlanBinder.Bind(plan!, await source.InspectAsync(CancellationToken.None));
        Assert.Empty(bindErrors);
        return (entities.Single(), source, await TargetAsync());
    }

    public static TheoryData<string> VerbatimPlans =>
    [
        "  - table: t\n    columns:\n      price: { drop: true }",
        "  - table: t\n    to: renamed\n    columns:\n      price: { drop: true }\n      r: { rename: ratio }\n      b: { type: BLOB }",
        "  - table: logs",
    ];

    [Theory]
    [MemberData(nameof(VerbatimPlans))]
    public async Task CanChecksumVerbatim_PlansThatKeepValues_TrueAndBothWaysAgree(string entity)
    {
        var (e, source, target) = await BindAsync(entity);

        Assert.True(VerbatimChecksum.CanChecksumVerbatim(e, target), entity);
        foreach (var (after, until) in new (object?[]?, object?[]?)[] { (null, null), ([1L], [4L]), ([3L], null), (null, [3L]), ([5L], [5L]) })
        {
            var slow = await SourceSide.TransformedAsync(e, source, target, after, until);
            var fast = await SourceSide.VerbatimAsync(e, source, after, until);
            Assert.True(slow.Hex == fast.Hex && slow.Count == fast.Count, $"({after?[0]}, {until?[0]}]: transformed {slow.Hex}/{slow.Count}, verbatim {fast.Hex}/{fast.Count}");
        }
    }

    public static TheoryData<string, string> ChangingPlans => new()
    {
        { "  - table: t", "price is numeric(10,2): numbers come back as decimals" },
        { "  - table: t\n    columns:\n      price: { drop: true }\n      i: { type: double precision }", "integers cast to doubles" },
    };

    [Theory]
    [MemberData(nameof(ChangingPlans))]
    public async Task CanChecksumVerbatim_PlansThatChangeValues_FalseAndTheDataDiffers(string entity, string why)
    {
        var (e, source, target) = await BindAsync(entity);

        Assert.False(VerbatimChecksum.CanChecksumVerbatim(e, target), why);
        var slow = await SourceSide.TransformedAsync(e, source, target);
        var fast = await SourceSide.VerbatimAsync(e, source);
        Assert.NotEqual(slow.Hex, fast.Hex);
    }
}

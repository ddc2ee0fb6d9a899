using Cutover.Plan;
using Cutover.Sqlite.Tests.Support;
using Cutover.Testing.Verification;
using Cutover.Verification;

namespace Cutover.Sqlite.Tests;

/// <summary>
/// SQLite to SQLite: when <see cref="VerbatimChecksum.CanChecksumVerbatim"/> says the source side may be checksummed as read,
/// that checksum equals the transformed one on data chosen to catch every difference; when a plan changes values it says no.
/// </summary>
public sealed class VerbatimChecksumTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Every storage class in columns of every affinity, -0.0 where SQLite keeps it, invalid UTF-8, NULLs.</summary>
    private string Source()
    {
        var path = _dir.File("src.db");
        if (File.Exists(path))
        {
            return path;
        }
        SqliteFile.Exec(path, """
            CREATE TABLE t (id INTEGER PRIMARY KEY, u, r REAL, txt TEXT, b BLOB, n NUMERIC, i INTEGER, d DATETIME, j JSON, flag BOOLEAN);
            CREATE TABLE logs (msg, val REAL);
            """);
        object?[][] rows =
        [
            [1L, -0.0, -0.0, "héllo 日本", new byte[] { 0, 0xFF }, "12.50", 3L, "2024-05-01 12:00:00", "{ \"b\": 1, \"a\": 2 }", 1L],
            [2L, null, null, null, null, null, null, null, null, null],
            [3L, 7L, 7L, "", Array.Empty<byte>(), -0.0, 2.5, "not a date", "[1, 2.50]", 0L],
            [4L, "text", "not a number", new string('x', 300), "text in blob", 1e300, "abc", 1714566896L, "7", 2L],
            [5L, 1.5, 1e-300, "12", 12L, long.MaxValue, -0.0, "", "not json", "yes"],
        ];
        SqliteFile.InsertRows(path, "t", ["id", "u", "r", "txt", "b", "n", "i", "d", "j", "flag"], rows);
        SqliteFile.Exec(path, """
            INSERT INTO t (id, u, txt, d) VALUES (6, CAST(x'ff41' AS TEXT), CAST(x'68c3' AS TEXT), CAST(x'eda080' AS TEXT));
            INSERT INTO logs (rowid, msg, val) VALUES (1, 'one', -0.0), (5, CAST(x'fe' AS TEXT), NULL), (9, -0.0, 3), (12, x'00', 'x');
            """);
        Assert.Equal("real", SqliteFile.Scalar(path, "SELECT typeof(u) FROM t WHERE id = 1"));
        return path;
    }

    private async Task<(BoundEntity Entity, SqliteStore Source, SqliteStore Target)> BindAsync(string entityYaml)
    {
        var source = Stores.Source(Source());
        var (plan, errors) = PlanLoader.Parse($"source: sqlite:src.db\ntarget: sqlite:dst.db\nentities:\n{entityYaml}\n", _dir.File("cutover.yaml"));
        Assert.Empty(errors);
        var (entities, bindErrors) = PlanBinder.Bind(plan!, await source.InspectAsync(CancellationToken.None));
        Assert.Empty(bindErrors);
        return (entities.Single(), source, Stores.Target(_dir.File("dst.db")));
    }

    /// <summary>Both ways, over the whole table and over ranges; returns whether the plan allowed the verbatim way.</summary>
    private static async Task<bool> CompareAsync(BoundEntity e, SqliteStore source, SqliteStore target, IReadOnlyList<(object?[]? After, object?[]? Until)> ranges)
    {
        var verbatim = VerbatimChecksum.CanChecksumVerbatim(e, target);
        if (verbatim)
        {
            foreach (var (after, until) in ranges.Prepend((null, null)))
            {
                var slow = await SourceSide.TransformedAsync(e, source, target, after, until);
                var fast = await SourceSide.VerbatimAsync(e, source, after, until);
                Assert.True(slow.Hex == fast.Hex && slow.Count == fast.Count, $"{e.Name} ({after?[0]}, {until?[0]}]: transformed {slow.Hex}/{slow.Count}, verbatim {fast.Hex}/{fast.Count}");
                Assert.Equal(0, source.ChecksumFallBacks);
            }
        }
        return verbatim;
    }

    public static TheoryData<string> VerbatimPlans =>
    [
        "  - table: t",
        "  - table: t\n    to: t2\n    columns:\n      u: { rename: anything }\n      d: { drop: true }\n      txt: { invalid_utf8: keep }",
        "  - table: t\n    columns:\n      b: { type: BLOB }",
        "  - table: t\n    columns:\n      flag: { booleans: boolean }",
        "  - table: t\n    key: [id]\n    columns:\n      j: { json: text }\n      d: { dates: text }",
        "  - table: logs",
    ];

    [Theory]
    [MemberData(nameof(VerbatimPlans))]
    public async Task CanChecksumVerbatim_PlansThatKeepValues_TrueAndBothWaysAgree(string entity)
    {
        var (e, source, target) = await BindAsync(entity);
        await using (source)
        await using (target)
        {
            Assert.True(await CompareAsync(e, source, target, [([1L], [4L]), ([3L], null), (null, [3L]), ([5L], [5L])]), entity);
        }
    }

    public static TheoryData<string, string> ChangingPlans => new()
    {
        { "  - table: t\n    columns:\n      u: { type: REAL }", "a cast that turns '-0.0' into a REAL column's 0.0 and text into numbers" },
        { "  - table: t\n    columns:\n      txt: { invalid_utf8: replace }", "invalid UTF-8 replaced" },
        { "  - table: t\n    columns:\n      txt: { invalid_utf8: blob }", "invalid UTF-8 as a blob" },
        { "  - table: t\n    columns:\n      n: { default: 0 }", "NULL defaulted" },
        { "  - table: t\n    columns:\n      extra: { default: x }", "a column added" },
        { "  - table: t\n    columns:\n      i: { type: TEXT }", "numbers cast to text" },
        { "  - table: t\n    columns:\n      r: { type: REAL }", "a cast that refuses the text a REAL column can hold" },
        { "  - table: t\n    columns:\n      d: { dates: iso }", "dates converted" },
        { "  - table: t\n    columns:\n      j: { json: jsonb }", "JSON converted" },
        { "  - table: t\n    rekey: { to: ulid }", "re-keyed" },
    };

    [Theory]
    [MemberData(nameof(ChangingPlans))]
    public async Task CanChecksumVerbatim_PlansThatChangeValues_False(string entity, string why)
    {
        var (e, source, target) = await BindAsync(entity);
        await using (source)
        await using (target)
        {
            Assert.False(VerbatimChecksum.CanChecksumVerbatim(e, target), why);
        }
    }

    [Fact]
    public async Task CanChecksumVerbatim_WhenItSaysFalse_TheDataReallyDiffers()
    {
        // The data is tricky enough to tell: for the plans refused above that transform without failing, the verbatim sum differs.
        foreach (var entity in new[] { "  - table: t\n    columns:\n      u: { type: REAL }", "  - table: t\n    columns:\n      txt: { invalid_utf8: replace }", "  - table: t\n    columns:\n      n: { default: 0 }" })
        {
            var (e, source, target) = await BindAsync(entity);
            await using (source)
            await using (target)
            {
                var slow = await SourceSide.TransformedAsync(e, source, target);
                var fast = await SourceSide.VerbatimAsync(e, source);
                Assert.NotEqual(slow.Hex, fast.Hex);
            }
        }
    }

    [Fact]
    public void KindsOf_SqliteAffinities_FollowSqlitesRules()
    {
        static Values.ValueKinds Of(string declared) => VerbatimChecksum.KindsOf(new Schema.ColumnSchema("c", declared, false, null, 0));

        Assert.Equal(Values.ValueKinds.Dynamic, Of(""));
        Assert.Equal(Values.ValueKinds.Dynamic, Of("TEXT"));
        Assert.False(Of("INTEGER").HasFlag(Values.ValueKinds.NegativeZero));
        Assert.False(Of("NUMERIC").HasFlag(Values.ValueKinds.NegativeZero));
        Assert.False(Of("DOUBLE").HasFlag(Values.ValueKinds.Integer));
        Assert.True(Of("DOUBLE").HasFlag(Values.ValueKinds.Text));
    }

    [Fact]
    public async Task KindsOf_RealAffinity_NeverGivesIntegersOrNegativeZero()
    {
        // What KindsOf relies on, checked against the SQLite Cutover ships with.
        var (_, source, _) = await BindAsync("  - table: logs");
        await using (source)
        {
            var rows = await Stores.ReadAllAsync(source, new Connectors.ReadRequest("logs", ["rowid", "val"], ["rowid"], true));
            Assert.All(rows, r => Assert.IsNotType<long>(r[1]));
            Assert.All(rows.Select(r => r[1]).OfType<double>(), d => Assert.False(double.IsNegative(d) && d == 0));
            Assert.Contains(rows, r => r[1] is double d && d == 0);
        }
    }
}

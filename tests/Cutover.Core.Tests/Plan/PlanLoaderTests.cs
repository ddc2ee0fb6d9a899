using System.Security.Cryptography;
using Cutover.Core.Tests.Support;
using Cutover.Errors;
using Cutover.Plan;

namespace Cutover.Core.Tests.Plan;

public class PlanLoaderTests
{
    // Line numbers in the comments are the 1-based lines positions are asserted against.
    private static readonly string[] FullPlan =
    [
        "name: full-plan",                                          // 1
        "source: sqlite:./app.db",                                  // 2
        "target: sqlite:./app_v2.db",                               // 3
        "state: sqlite:./state/cut.db",                             // 4
        "batch_size: 250",                                          // 5
        "on_error: skip",                                           // 6
        "if_exists: replace",                                       // 7
        "entities:",                                                // 8
        "  - table: sessions",                                      // 9
        "    to: chat_sessions",                                    // 10
        "    key: id",                                              // 11
        "    rekey: { to: ulid, time_from: created_at }",           // 12
        "    columns:",                                             // 13
        "      title: { rename: name, type: varchar(200) }",        // 14
        "      legacy: { drop: true }",                             // 15
        "      status: { default: open }",                          // 16
        "      body: { invalid_utf8: replace }",                    // 17
        "  - table: messages",                                      // 18
        "    key: [session_id, seq]",                               // 19
        "    references: { session_id: sessions }",                 // 20
        "    columns:",                                             // 21
        "      score: { type: \"numeric(10, 2)\", default: 0.5 }",  // 22
        "      flag: { default: true }",                            // 23
        "      note: { default: \"7\" }",                           // 24
        "  - table: logs",                                          // 25
        "    key: rowid",                                           // 26
        "checks:",                                                  // 27
        "  - name: no orphans",                                     // 28
        "    sql: SELECT COUNT(*) FROM messages",                   // 29
        "    expect: 0",                                            // 30
        "    on: source",                                           // 31
        "  - name: default side",                                   // 32
        "    sql: SELECT 1",                                        // 33
        "    expect: \"1\"",                                        // 34
    ];

    private static PlanLocation At(int line, int column) => new(Plans.File, line, column);

    [Fact]
    public void Parse_FullPlan_TopLevelFieldsAreRead()
    {
        var (plan, errors) = Plans.Parse(FullPlan);

        Assert.Empty(errors);
        Assert.NotNull(plan);
        Assert.Equal("full-plan", plan.Name);
        Assert.Equal("sqlite:./app.db", plan.Source);
        Assert.Equal("sqlite:./app_v2.db", plan.Target);
        Assert.Equal("sqlite:./state/cut.db", plan.State);
        Assert.Equal(250, plan.BatchSize);
        Assert.Equal(OnErrorPolicy.Skip, plan.OnError);
        Assert.Equal(IfExistsPolicy.Replace, plan.IfExists);
        Assert.Equal(Path.GetFullPath(Plans.File), plan.FilePath);
        Assert.Equal(At(2, 1), plan.SourceAt);
        Assert.Equal(At(3, 1), plan.TargetAt);
        Assert.Equal(["sessions", "messages", "logs"], plan.Entities.Select(e => e.Name));
    }

    [Fact]
    public void Parse_FullPlan_SessionsEntityHasTargetKeyRekeyAndColumns()
    {
        var e = Plans.Parse(FullPlan).Plan!.Entities[0];

        Assert.Equal("sessions", e.Table);
        Assert.Equal("chat_sessions", e.TargetTable);
        Assert.Equal(["id"], e.Key);
        Assert.False(e.KeyIsRowid);
        Assert.Equal(At(9, 5), e.At);
        Assert.Equal(At(11, 5), e.KeyAt);
        // rekey names no column, so it re-keys the single key column; the location is the '{' of the flow mapping.
        Assert.Equal(new RekeyPlan("id", "ulid", "created_at", At(12, 12)), e.Rekey);
        Assert.Empty(e.References);
        Assert.Equal(
            [
                new ColumnPlan("title", "name", "varchar(200)", false, false, null, InvalidUtf8Policy.Keep, At(14, 7)),
                new ColumnPlan("legacy", null, null, true, false, null, InvalidUtf8Policy.Keep, At(15, 7)),
                new ColumnPlan("status", null, null, false, true, "open", InvalidUtf8Policy.Keep, At(16, 7)),
                new ColumnPlan("body", null, null, false, false, null, InvalidUtf8Policy.Replace, At(17, 7)),
            ],
            e.Columns);
    }

    [Fact]
    public void Parse_FullPlan_MessagesEntityHasCompositeKeyReferencesAndTypedDefaults()
    {
        var e = Plans.Parse(FullPlan).Plan!.Entities[1];

        Assert.Equal("messages", e.TargetTable);
        Assert.Equal(["session_id", "seq"], e.Key);
        Assert.Null(e.Rekey);
        Assert.Equal([new ReferencePlan("session_id", "sessions", At(20, 19))], e.References);
        Assert.Equal("numeric(10, 2)", e.Columns[0].Type);
        // Plain scalars become typed values; a quoted one stays text.
        Assert.Equal(0.5, Assert.IsType<double>(e.Columns[0].Default));
        Assert.Equal(1L, Assert.IsType<long>(e.Columns[1].Default));
        Assert.Equal("7", Assert.IsType<string>(e.Columns[2].Default));
        Assert.All(e.Columns, c => Assert.True(c.HasDefault));
    }

    [Fact]
    public void Parse_FullPlan_RowidEntityAndChecks()
    {
        var plan = Plans.Parse(FullPlan).Plan!;

        Assert.True(plan.Entities[2].KeyIsRowid);
        Assert.Equal("logs", plan.Entities[2].TargetTable);
        Assert.Equal(
            [
                new CheckPlan("no orphans", "SELECT COUNT(*) FROM messages", "0", CheckSide.Source, At(28, 5)),
                new CheckPlan("default side", "SELECT 1", "1", CheckSide.Target, At(32, 5)),
            ],
            plan.Checks);
    }

    [Fact]
    public void Parse_MinimalPlan_UsesDefaultsAndNamesPlanAfterFile()
    {
        var (plan, errors) = PlanLoader.Parse(Plans.Text([.. Plans.Header, "  - table: a"]), Path.Combine("dir", "my_plan.yaml"));

        Assert.Empty(errors);
        Assert.Equal("my_plan", plan!.Name);
        Assert.Null(plan.State);
        Assert.Equal(5000, plan.BatchSize);
        Assert.Equal(OnErrorPolicy.Stop, plan.OnError);
        Assert.Equal(IfExistsPolicy.Fail, plan.IfExists);
        Assert.Empty(plan.Entities[0].Key);
        Assert.Equal("a", plan.Entities[0].TargetTable);
        Assert.Empty(plan.Checks);
    }

    [Fact]
    public void ToString_WithFix_IsFileLineColMessageAndFixInParentheses()
    {
        var e = new PlanError(new PlanLocation("p.yaml", 3, 5), "bad thing", "do this");

        Assert.Equal("p.yaml:3:5: bad thing (do this)", e.ToString());
    }

    [Fact]
    public void ToString_EmptyFix_HasNoParentheses()
    {
        Assert.Equal("p.yaml:1:2: bad", new PlanError(new PlanLocation("p.yaml", 1, 2), "bad", "").ToString());
    }

    [Fact]
    public void Load_MissingFile_ThrowsPlanNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), "cutover-tests-" + Guid.NewGuid().ToString("N"), "nope.yaml");

        var ex = Assert.Throws<CutoverException>(() => PlanLoader.Load(path));

        Assert.Equal(ErrorCodes.PlanNotFound, ex.Code);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithTwoErrors_ThrowsPlanInvalidWithEveryErrorInDetails()
    {
        var path = WriteTemp("entities:\n  - table: a\n");
        try
        {
            var ex = Assert.Throws<CutoverException>(() => PlanLoader.Load(path));

            Assert.Equal(ErrorCodes.PlanInvalid, ex.Code);
            Assert.Equal(2, ex.Details.Count);
            Assert.Equal($"{path}:1:1: 'source' is required (add: source: sqlite:./app.db)", ex.Details[0]);
            Assert.Equal($"{path}:1:1: 'target' is required (add: target: sqlite:./app_v2.db)", ex.Details[1]);
            Assert.StartsWith("2 problems in the plan; first: " + ex.Details[0], ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_ValidFile_HashIsSha256OfTheFileBytes()
    {
        var text = Plans.Text([.. Plans.Header, "  - table: a"]);
        var path = WriteTemp(text);
        try
        {
            var plan = PlanLoader.Load(path);

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), plan.Hash);
            Assert.Equal(64, plan.Hash.Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string WriteTemp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cutover-plan-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }
}

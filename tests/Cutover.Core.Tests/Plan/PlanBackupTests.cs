using Cutover.Core.Tests.Support;
using Cutover.Plan;

namespace Cutover.Core.Tests.Plan;

public class PlanBackupTests
{
    private static (MigrationPlan? Plan, List<PlanError> Errors) WithBackup(string line) =>
        Plans.Parse("source: sqlite:a.db", "target: sqlite:b.db", line, "entities:", "  - table: t");

    [Fact]
    public void Parse_NoBackupKey_DefaultsToAll()
    {
        var (plan, errors) = Plans.Parse([.. Plans.Header, "  - table: t"]);

        Assert.Empty(errors);
        Assert.Equal(BackupPolicy.All, plan!.Backup);
    }

    [Theory]
    [InlineData("backup: all", BackupPolicy.All)]
    [InlineData("backup: target", BackupPolicy.Target)]
    [InlineData("backup: none", BackupPolicy.None)]
    [InlineData("backup: NONE", BackupPolicy.None)]
    [InlineData("backup: Target", BackupPolicy.Target)]
    public void Parse_BackupValue_IsRead(string line, BackupPolicy expected)
    {
        var (plan, errors) = WithBackup(line);

        Assert.Empty(errors);
        Assert.Equal(expected, plan!.Backup);
    }

    [Theory]
    [InlineData("backup: source")]
    [InlineData("backup: false")]
    [InlineData("backup: 0")]
    [InlineData("backup: [target]")]
    public void Parse_BadBackupValue_ErrorAtTheValueWithTheChoices(string line)
    {
        var (plan, errors) = WithBackup(line);

        Assert.Null(plan);
        var e = Assert.Single(errors);
        Assert.Equal((3, 9), (e.At.Line, e.At.Column));
        Assert.StartsWith("plan.yaml:3:9: ", e.ToString(), StringComparison.Ordinal);
        Assert.Contains(line.StartsWith("backup: [", StringComparison.Ordinal) ? "must be a single value" : "'backup' must be one of all | target | none", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BackupTypo_SuggestsBackup()
    {
        var (_, errors) = WithBackup("backups: none");

        var e = Assert.Single(errors);
        Assert.Equal("unknown key 'backups' in plan", e.Message);
        Assert.Equal("did you mean 'backup'?", e.Fix);
        Assert.Equal((3, 1), (e.At.Line, e.At.Column));
    }
}

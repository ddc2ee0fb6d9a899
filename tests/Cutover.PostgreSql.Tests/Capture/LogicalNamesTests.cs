using System.Text;
using Cutover.PostgreSql.Capture;

namespace Cutover.PostgreSql.Tests.Capture;

public sealed class LogicalNamesTests
{
    [Fact]
    public void For_ASimplePlanName_IsCutoverAndTheName() => Assert.Equal("cutover_orders_2026", LogicalNames.For("orders_2026"));

    [Theory]
    [InlineData("Orders")]
    [InlineData("orders-2026")]
    [InlineData("commandes été")]
    [InlineData("")]
    public void For_ANameWithOtherCharacters_KeepsOnlyWhatASlotMayHold_AndEndsWithAHash(string plan)
    {
        var name = LogicalNames.For(plan);

        Assert.Matches("^cutover_[a-z0-9_]*_[0-9a-f]{8}$", name);
        Assert.True(Encoding.UTF8.GetByteCount(name) <= 63);
    }

    [Fact]
    public void For_PlansThatSanitizeAlike_GetDifferentNames() => Assert.NotEqual(LogicalNames.For("a-b"), LogicalNames.For("a.b"));

    [Fact]
    public void For_ALongName_IsCutTo63Bytes_AndStaysDistinct()
    {
        var a = LogicalNames.For(new string('x', 100) + "1");
        var b = LogicalNames.For(new string('x', 100) + "2");

        Assert.Equal(63, a.Length);
        Assert.NotEqual(a, b);
    }
}

using System.Text;
using Cutover.PostgreSql.Internal;

namespace Cutover.PostgreSql.Tests;

public class PostgreSqlIdentifiersTests
{
    [Fact]
    public void Validate_ShortNames_NoProblems()
    {
        var problems = PostgreSqlIdentifiers.Validate(
        [
            new(IdentifierKind.Table, "sessions"),
            new(IdentifierKind.Column, "id", "sessions"),
            new(IdentifierKind.Index, "ix_sessions_created", "sessions"),
        ]);
        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_Exactly63Bytes_IsAccepted() =>
        Assert.Empty(PostgreSqlIdentifiers.Validate([new(IdentifierKind.Table, new string('a', 63))]));

    [Fact]
    public void Validate_64ByteTable_NamesItTheTruncationAndTheToField()
    {
        var name = new string('t', 64);
        var problem = Assert.Single(PostgreSqlIdentifiers.Validate([new(IdentifierKind.Table, name)]));
        Assert.Contains($"table \"{name}\" is 64 bytes", problem, StringComparison.Ordinal);
        Assert.Contains($"\"{new string('t', 63)}\"", problem, StringComparison.Ordinal);
        Assert.Contains("to:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LongColumn_NamesTheRenameField()
    {
        var name = new string('c', 70);
        var problem = Assert.Single(PostgreSqlIdentifiers.Validate([new(IdentifierKind.Column, name, "t")]));
        Assert.Contains($"columns: {{ {name}: {{ rename: SHORTER_NAME }} }}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RenamedColumn_PointsAtTheSourceNameInThePlan()
    {
        var problem = Assert.Single(PostgreSqlIdentifiers.Validate([new(IdentifierKind.Column, new string('c', 70), "t", SourceName: "body")]));
        Assert.Contains("columns: { body: { rename: SHORTER_NAME } }", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncate_MultiByteAtTheBoundary_CutsBeforeTheWholeCharacter()
    {
        // 62 ASCII bytes + 'é' (2 bytes) = 64 bytes: the é does not fit and goes entirely.
        var name = new string('a', 62) + "é";
        Assert.Equal(64, Encoding.UTF8.GetByteCount(name));
        Assert.Equal(new string('a', 62), PostgreSqlIdentifiers.Truncate(name));
    }

    [Fact]
    public void Truncate_FourByteCharacters_NeverSplitsASurrogatePair()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 16)); // 64 bytes
        var cut = PostgreSqlIdentifiers.Truncate(name);
        Assert.Equal(60, Encoding.UTF8.GetByteCount(cut));
        Assert.Equal(string.Concat(Enumerable.Repeat("😀", 15)), cut);
    }

    [Fact]
    public void Validate_MultiByteNameOf63Bytes_IsAccepted()
    {
        var name = new string('a', 61) + "é"; // 63 bytes, 62 chars
        Assert.Empty(PostgreSqlIdentifiers.Validate([new(IdentifierKind.Column, name, "t")]));
    }

    [Fact]
    public void Validate_TwoColumnsCollidingAfterTruncation_NamesBoth()
    {
        var prefix = new string('x', 63);
        var problems = PostgreSqlIdentifiers.Validate(
        [
            new(IdentifierKind.Column, prefix + "_one", "t"),
            new(IdentifierKind.Column, prefix + "_two", "t"),
        ]);
        Assert.Equal(3, problems.Count); // two too long, one collision
        var clash = Assert.Single(problems, p => p.Contains("would all be", StringComparison.Ordinal));
        Assert.Contains(prefix + "_one", clash, StringComparison.Ordinal);
        Assert.Contains(prefix + "_two", clash, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameLongColumnNameInTwoTables_OnlyTheLengthProblems()
    {
        var name = new string('x', 64);
        var problems = PostgreSqlIdentifiers.Validate(
        [
            new(IdentifierKind.Column, name, "a"),
            new(IdentifierKind.Column, name, "b"),
        ]);
        Assert.Equal(2, problems.Count);
        Assert.DoesNotContain(problems, p => p.Contains("would all be", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TableAndIndexCollide_BecauseTheyShareANamespace()
    {
        var exact = new string('r', 63);
        var problems = PostgreSqlIdentifiers.Validate(
        [
            new(IdentifierKind.Table, exact),
            new(IdentifierKind.Index, exact + "_idx", "other"),
        ]);
        var clash = Assert.Single(problems, p => p.Contains("would all be", StringComparison.Ordinal));
        Assert.Contains($"table \"{exact}\"", clash, StringComparison.Ordinal);
        Assert.Contains($"index \"{exact}_idx\"", clash, StringComparison.Ordinal);
    }
}

using Cutover.Transform;

namespace Cutover.Core.Tests.Transform;

public class AffinityRulesTests
{
    // https://sqlite.org/datatype3.html §3.1, rules applied in order:
    // 1 "INT" -> INTEGER; 2 "CHAR"/"CLOB"/"TEXT" -> TEXT; 3 "BLOB" or no type -> BLOB; 4 "REAL"/"FLOA"/"DOUB" -> REAL; 5 else NUMERIC.
    [Theory]
    [InlineData("INTEGER", Affinity.Integer)]
    [InlineData("int", Affinity.Integer)]
    [InlineData("TINYINT", Affinity.Integer)]
    [InlineData("BIGINT", Affinity.Integer)]
    [InlineData("UNSIGNED BIG INT", Affinity.Integer)]
    [InlineData("integer auto_increment", Affinity.Integer)]
    [InlineData("FLOATING POINT", Affinity.Integer)] // rule 1 wins: "POINT" contains "INT"
    [InlineData("CHARINT", Affinity.Integer)] // rule 1 comes before rule 2
    [InlineData("VARCHAR(255)", Affinity.Text)]
    [InlineData("NCHAR(55)", Affinity.Text)]
    [InlineData("CLOB", Affinity.Text)]
    [InlineData("text(100)", Affinity.Text)]
    [InlineData("BLOB", Affinity.Blob)]
    [InlineData("", Affinity.Blob)]
    [InlineData("REAL", Affinity.Real)]
    [InlineData("double precision", Affinity.Real)]
    [InlineData("DOUBLE", Affinity.Real)]
    [InlineData("FLOAT", Affinity.Real)]
    [InlineData("NUMERIC", Affinity.Numeric)]
    [InlineData("DECIMAL(10,5)", Affinity.Numeric)]
    [InlineData("BOOLEAN", Affinity.Numeric)]
    [InlineData("DATETIME", Affinity.Numeric)]
    [InlineData("STRING", Affinity.Numeric)] // not TEXT: no rule matches "STRING"
    public void Of_DeclaredType_FollowsSqliteRules(string declared, Affinity expected)
    {
        Assert.Equal(expected, AffinityRules.Of(declared));
    }
}

namespace Cutover.Transform;

/// <summary>The rules of https://sqlite.org/datatype3.html section 3.1, applied in order.</summary>
public static class AffinityRules
{
    public static Affinity Of(string declaredType)
    {
        var t = declaredType.ToUpperInvariant();
        if (t.Contains("INT", StringComparison.Ordinal))
        {
            return Affinity.Integer;
        }
        if (t.Contains("CHAR", StringComparison.Ordinal) || t.Contains("CLOB", StringComparison.Ordinal) || t.Contains("TEXT", StringComparison.Ordinal))
        {
            return Affinity.Text;
        }
        if (t.Length == 0 || t.Contains("BLOB", StringComparison.Ordinal))
        {
            return Affinity.Blob;
        }
        if (t.Contains("REAL", StringComparison.Ordinal) || t.Contains("FLOA", StringComparison.Ordinal) || t.Contains("DOUB", StringComparison.Ordinal))
        {
            return Affinity.Real;
        }
        return Affinity.Numeric;
    }
}

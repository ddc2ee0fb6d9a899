using System.Text.RegularExpressions;

namespace Cutover.Transform;

/// <summary>
/// The declared type names that mean more than their SQLite affinity: dates, timestamps, JSON and booleans. The plan's
/// <c>types:</c> options apply to columns declared with them.
/// </summary>
public static partial class TypeFamily
{
    public enum Family
    {
        None,
        Date,
        Timestamp,
        Json,
        Boolean,
    }

    /// <summary>
    /// DATE; DATETIME, TIMESTAMP, TIMESTAMPTZ, TIMESTAMP WITH(OUT) TIME ZONE; JSON, JSONB; BOOLEAN, BOOL (any case, with or
    /// without a modifier such as TIMESTAMP(3)).
    /// </summary>
    public static Family Of(string declaredType)
    {
        var name = Spaces().Replace(declaredType.Split('(')[0].Trim(), " ").ToUpperInvariant();
        return name switch
        {
            "DATE" => Family.Date,
            "DATETIME" or "TIMESTAMP" or "TIMESTAMPTZ" or "TIMESTAMP WITH TIME ZONE" or "TIMESTAMP WITHOUT TIME ZONE" => Family.Timestamp,
            "JSON" or "JSONB" => Family.Json,
            "BOOLEAN" or "BOOL" => Family.Boolean,
            _ => Family.None,
        };
    }

    /// <summary>True for the names of a PostgreSQL timestamptz, which a plan's <c>type:</c> asks for to get instants.</summary>
    public static bool IsTimestampWithZone(string declaredType) =>
        Spaces().Replace(declaredType.Trim(), " ").ToUpperInvariant() is "TIMESTAMPTZ" or "TIMESTAMP WITH TIME ZONE";

    /// <summary>True for <c>jsonb</c>, which a plan's <c>type:</c> asks for to get JSON compared by value.</summary>
    public static bool IsJsonb(string declaredType) => declaredType.Trim().Equals("JSONB", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

using System.Text.RegularExpressions;
using Cutover.Schema;
using Cutover.Transform;

namespace Cutover.Sqlite.Internal;

/// <summary>
/// The declared type a target column gets in SQLite. A SQLite source's columns (<see cref="ColumnKind.Dynamic"/>) keep theirs.
/// A typed column (from PostgreSQL, or converted by the plan) keeps its declared name when SQLite's affinity for that name
/// leaves the values Cutover writes as they are, and gets a plain SQLite type when it would not: under NUMERIC affinity
/// (<c>numeric(10,2)</c>, <c>jsonb</c>) SQLite would turn the text <c>12.50</c> or the JSON document <c>1</c> into a number.
/// The table is in docs/type-mapping.md ("PostgreSQL to SQLite").
/// </summary>
internal static partial class SqliteTypes
{
    public static string DeclaredType(TargetColumn c)
    {
        var declared = c.DeclaredType;
        var affinity = AffinityRules.Of(declared);
        return c.Kind switch
        {
            ColumnKind.Dynamic or ColumnKind.Blob => declared,
            // NUMERIC affinity keeps integers; REAL affinity would make them reals.
            ColumnKind.Integer or ColumnKind.Boolean => affinity is Affinity.Integer or Affinity.Numeric or Affinity.Blob ? declared : "INTEGER",
            // NUMERIC affinity would store 3.0 as the integer 3.
            ColumnKind.Real => affinity is Affinity.Real or Affinity.Blob ? declared : "REAL",
            // ISO dates and timestamps never read as numbers, so any name that says what they are is kept.
            ColumnKind.Timestamp => TypeFamily.Of(declared) is TypeFamily.Family.Timestamp || affinity is Affinity.Text or Affinity.Blob ? declared : "DATETIME",
            ColumnKind.Date => TypeFamily.Of(declared) is TypeFamily.Family.Date || affinity is Affinity.Text or Affinity.Blob ? declared : "DATE",
            ColumnKind.Other => affinity is Affinity.Text or Affinity.Blob || NeverNumeric().IsMatch(declared) ? declared : "TEXT",
            _ => affinity is Affinity.Text or Affinity.Blob ? declared : "TEXT",
        };
    }

    /// <summary>PostgreSQL types whose text form can never be read as a number, so SQLite's affinity leaves it alone.</summary>
    [GeneratedRegex(@"^(uuid|interval.*|inet|cidr|macaddr8?|date|time(stamp)?( ?\(\d+\))?( with(out)? time zone)?|timestamptz|timetz|tsvector|tsquery|point|line|lseg|box|path|polygon|circle|.*\[\])$",
        RegexOptions.IgnoreCase)]
    private static partial Regex NeverNumeric();
}

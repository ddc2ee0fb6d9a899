using System.Globalization;
using System.Text.RegularExpressions;
using Cutover.Transform;

namespace Cutover.PostgreSql.Types;

/// <summary>
/// Maps a SQLite declared type to a PostgreSQL column type that keeps every value SQLite can hold in it.
/// The table, with the reason for each row, is docs/type-mapping.md. A pure function: no I/O.
/// </summary>
public static partial class PostgreSqlTypeMapper
{
    /// <summary>Chooses the PostgreSQL type for <paramref name="column"/>.</summary>
    /// <param name="column">The column name (used in messages).</param>
    /// <param name="declaredType">The SQLite declared type; empty for an untyped column.</param>
    /// <param name="options">The plan's choices for dates, JSON and booleans.</param>
    /// <param name="planType">The plan's <c>columns: X: { type: ... }</c>, which wins when given.</param>
    public static TypeMapping Map(string column, string declaredType, TypeMappingOptions? options = null, string? planType = null)
    {
        options ??= TypeMappingOptions.Default;
        if (planType is not null)
        {
            return FromPlan(column, declaredType, planType);
        }

        var (name, args) = Split(declaredType);
        TypeMapping Ok(string pg, string reason, ValueConversion conversion = ValueConversion.None) =>
            new(column, declaredType, pg, conversion, reason, null);
        TypeMapping Fail(string error) =>
            new(column, declaredType, null, ValueConversion.None, "", error);

        if (name.Length == 0)
        {
            return Fail($"column '{column}' has no declared type, so SQLite lets it hold integers, reals, text and blobs side by side, "
                + $"and PostgreSQL needs one type; choose it in the plan: columns: {{ {column}: {{ type: text }} }} (or bigint, double precision, bytea)");
        }

        switch (name)
        {
            case "BOOLEAN" or "BOOL":
                return options.Booleans == BooleanMapping.Boolean
                    ? Ok("boolean", "SQLite stores booleans as 0/1; 0 → false, 1 → true, anything else is rejected with its key", ValueConversion.IntegerToBoolean)
                    : Ok("bigint", "booleans kept as the integers SQLite stored (the plan asked for integers)");
            case "DATE" or "DATETIME" or "TIMESTAMP" or "TIMESTAMPTZ":
                return MapDate(name, options.Dates, Ok);
            case "BYTEA":
                // PostgreSQL's name for bytes, as a PostgreSQL source declares them; SQLite would read it as NUMERIC.
                return Ok("bytea", "bytes kept as they are (a PostgreSQL source's bytea)");
            case "TIME":
                return Ok("text", "a time of day as SQLite stores it (text); PostgreSQL time would drop any date or zone written into it");
            case "JSON" or "JSONB":
                return options.Json == JsonMapping.Jsonb
                    ? Ok("jsonb", "the plan asked for jsonb: values are kept, the text is normalised (whitespace, key order, duplicate keys)", ValueConversion.TextToJsonb)
                    : Ok("text", "JSON kept byte for byte; ask for jsonb in the plan to query it as JSON");
        }

        switch (AffinityRules.Of(declaredType))
        {
            case Affinity.Integer:
                return Ok("bigint", "SQLite integers are 64-bit whatever the declared name (INTEGER PRIMARY KEY included)");
            case Affinity.Real:
                return Ok("double precision", "SQLite REAL is an IEEE 754 double; real/float4 would round it");
            case Affinity.Blob:
                return Ok("bytea", "bytes kept as they are");
            case Affinity.Text:
                return MapText(column, name, args, Ok, Fail);
            default:
                return MapNumeric(column, name, args, Ok, Fail);
        }
    }

    private static TypeMapping MapDate(string name, DateMapping dates, Func<string, string, ValueConversion, TypeMapping> ok) => dates switch
    {
        DateMapping.TimestampIso when name == "DATE" =>
            ok("date", "the plan says dates are ISO text; a DATE holds no time, so PostgreSQL date", ValueConversion.IsoTextToTimestamp),
        DateMapping.TimestampIso =>
            ok("timestamptz", "the plan says dates are ISO-8601 text; text without a zone is read as UTC", ValueConversion.IsoTextToTimestamp),
        DateMapping.TimestampEpochSeconds =>
            ok("timestamptz", "the plan says dates are Unix epoch seconds", ValueConversion.EpochSecondsToTimestamp),
        DateMapping.TimestampEpochMs =>
            ok("timestamptz", "the plan says dates are Unix epoch milliseconds", ValueConversion.EpochMillisecondsToTimestamp),
        _ => ok("text", "SQLite has no date type; the stored text is kept exactly (ask for timestamps in the plan)", ValueConversion.None),
    };

    private static TypeMapping MapText(string column, string name, IReadOnlyList<string> args,
        Func<string, string, ValueConversion, TypeMapping> ok, Func<string, TypeMapping> fail)
    {
        var varying = name.Contains("VARCHAR", StringComparison.Ordinal) || name.Contains("VARYING", StringComparison.Ordinal);
        if (varying && args.Count == 1)
        {
            if (!TryInt(args[0], out var n) || n is < 1 or > 10485760)
            {
                return fail($"column '{column}' is declared {name}({args[0]}), which PostgreSQL cannot hold as varchar; "
                    + $"choose a type in the plan: columns: {{ {column}: {{ type: text }} }}");
            }
            return ok($"varchar({n})", "the declared length is kept; SQLite never enforced it, so a longer value is rejected with its key, not cut", ValueConversion.None);
        }
        if (name.Contains("CHAR", StringComparison.Ordinal) && !varying && args.Count > 0)
        {
            return ok("text", "PostgreSQL char(n) pads with blanks and would change the stored values; use type: char(n) in the plan to ask for it", ValueConversion.None);
        }
        return args.Count > 0
            ? ok("text", "SQLite ignores the length in text(n); PostgreSQL text has no length, so nothing is lost or newly refused", ValueConversion.None)
            : ok("text", "text kept as it is", ValueConversion.None);
    }

    private static TypeMapping MapNumeric(string column, string name, IReadOnlyList<string> args,
        Func<string, string, ValueConversion, TypeMapping> ok, Func<string, TypeMapping> fail)
    {
        if (name is not ("NUMERIC" or "DECIMAL"))
        {
            return fail($"column '{column}' is declared {name}, which SQLite gives NUMERIC affinity (integers, reals and text side by side) "
                + $"and Cutover has no faithful PostgreSQL type for; choose one in the plan: columns: {{ {column}: {{ type: numeric }} }}");
        }
        if (args.Count == 0)
        {
            return ok("numeric", "unconstrained numeric holds every integer and every double's exact value", ValueConversion.None);
        }
        if (args.Count > 2 || !TryInt(args[0], out var p) || p is < 1 or > 1000)
        {
            return fail($"column '{column}' is declared {name}({string.Join(',', args)}); the precision must be 1 to 1000; "
                + $"choose a type in the plan: columns: {{ {column}: {{ type: numeric }} }}");
        }
        if (args.Count == 1)
        {
            return ok($"numeric({p})", "precision kept as declared; a value that does not fit is rejected with its key, never rounded", ValueConversion.None);
        }
        if (!TryInt(args[1], out var s) || s < 0 || s > p)
        {
            return fail($"column '{column}' is declared {name}({p},{args[1]}); the scale must be 0 to {p}; "
                + $"choose a type in the plan: columns: {{ {column}: {{ type: numeric }} }}");
        }
        return ok($"numeric({p},{s})", "precision and scale kept as declared; a value that does not fit is rejected with its key, never rounded", ValueConversion.None);
    }

    private static TypeMapping FromPlan(string column, string declaredType, string planType)
    {
        var t = Regex.Replace(planType.Trim(), @"\s+", " ").ToLowerInvariant();
        if (!PlanTypeShape().IsMatch(t))
        {
            return new(column, declaredType, null, ValueConversion.None, "",
                $"column '{column}' asks for type '{planType}', which is not a PostgreSQL type name; write e.g. type: text, type: numeric(12,2) or type: timestamptz");
        }
        return new(column, declaredType, t, ValueConversion.None, "the plan names this type", null);
    }

    private static (string Name, IReadOnlyList<string> Args) Split(string declaredType)
    {
        var t = declaredType.Trim();
        var open = t.IndexOf('(', StringComparison.Ordinal);
        var name = open >= 0 ? t[..open] : t;
        name = Regex.Replace(name.Trim(), @"\s+", " ").ToUpperInvariant();
        if (open < 0)
        {
            return (name, []);
        }
        var close = t.IndexOf(')', open);
        var inner = close > open ? t[(open + 1)..close] : t[(open + 1)..];
        return (name, inner.Split(',').Select(a => a.Trim()).ToArray());
    }

    private static bool TryInt(string s, out int value) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    // A type name never goes into SQL unchecked: words, optional (n) or (p,s), optional [].
    [GeneratedRegex(@"^[a-z][a-z0-9_]*( [a-z][a-z0-9_]*)*( ?\(\d+( ?, ?\d+)?\))?(\[\])?$")]
    private static partial Regex PlanTypeShape();
}

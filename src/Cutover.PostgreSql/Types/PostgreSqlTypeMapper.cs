using System.Globalization;
using System.Text.RegularExpressions;
using Cutover.Schema;
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

        if (name == "BYTEA")
        {
            // A bytea column that came from PostgreSQL to SQLite and goes back.
            return Ok("bytea", "bytes kept as they are");
        }
        if (name == "TIME")
        {
            return Ok("text", "a time of day as SQLite stores it (text); PostgreSQL time would drop any date or zone written into it");
        }
        switch (TypeFamily.Of(declaredType))
        {
            case TypeFamily.Family.Boolean:
                return options.Booleans == BooleanMapping.Boolean
                    ? Ok("boolean", "SQLite stores booleans as 0/1; 0 → false, 1 → true, anything else is rejected with its key", ValueConversion.IntegerToBoolean)
                    : Ok("bigint", "booleans kept as the integers SQLite stored (the plan asked for integers)");
            case TypeFamily.Family.Date or TypeFamily.Family.Timestamp:
                return MapDate(name, options.Dates, Ok);
            case TypeFamily.Family.Json:
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

    /// <summary>
    /// Chooses the PostgreSQL type for a target column from what its values are (<see cref="TargetColumn.Kind"/>): a SQLite
    /// column (<see cref="ColumnKind.Dynamic"/>) by its declared type as in <see cref="Map(string, string, TypeMappingOptions?, string?)"/>;
    /// a column the plan converted, or a PostgreSQL source's column, by its kind, keeping a PostgreSQL source's own type
    /// (<c>integer</c> stays <c>integer</c>, <c>varchar(20)</c> stays <c>varchar(20)</c>).
    /// </summary>
    public static TypeMapping Map(TargetColumn column)
    {
        var declared = column.DeclaredType;
        var (name, args) = Split(declared);
        TypeMapping Ok(string pg, string reason, ValueConversion conversion = ValueConversion.None) =>
            new(column.Name, declared, pg, conversion, reason, null);
        TypeMapping Fail(string error) =>
            new(column.Name, declared, null, ValueConversion.None, "", error);
        var keep = Regex.Replace(declared.Trim(), @"\s+", " ").ToLowerInvariant();
        switch (column.Kind)
        {
            case ColumnKind.Timestamp:
                return Ok("timestamptz", "instants: a timestamptz source, or dates the plan reads (dates: iso, epoch_seconds, epoch_ms)");
            case ColumnKind.Date:
                return Ok("date", "dates: a date source, or a DATE column under dates: iso");
            case ColumnKind.Json:
                return Ok("jsonb", "JSON values: a jsonb source, or json: jsonb in the plan (kept by value, the text normalised)", ValueConversion.TextToJsonb);
            case ColumnKind.Boolean:
                return Ok("boolean", "0/1 booleans; 0 → false, 1 → true, anything else is rejected with its key", ValueConversion.IntegerToBoolean);
            case ColumnKind.Integer:
                return Ok(keep is "smallint" or "integer" or "bigint" or "int2" or "int4" or "int8" ? keep : "bigint", "integers, as the source declares them");
            case ColumnKind.Real:
                return Ok(keep is "real" or "double precision" or "float4" or "float8" ? keep : "double precision", "floats, as the source declares them");
            case ColumnKind.Text:
                return Ok(SourceTextType().IsMatch(keep) ? keep : "text", "text, as the source declares it");
            case ColumnKind.Blob:
                return Ok("bytea", "bytes");
            case ColumnKind.Numeric:
                return name is "NUMERIC" or "DECIMAL"
                    ? MapNumeric(column.Name, name, args, (pg, reason, c) => Ok(pg, reason, c), Fail)
                    : Ok("numeric", "exact decimals");
            case ColumnKind.Other:
                return SourceTypeShape().IsMatch(keep)
                    ? Ok(keep, "the PostgreSQL source's own type; values travel as its text")
                    : Fail($"column '{column.Name}' is of type {declared} in the source, which Cutover cannot recreate by name; "
                        + $"choose a type in the plan: columns: {{ {column.Name}: {{ type: text }} }}");
            default:
                return Map(column.Name, declared);
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

    /// <summary>The text types of a PostgreSQL source, kept as they are.</summary>
    [GeneratedRegex(@"^(text|bpchar|character varying|(varchar|character varying|char|character|bpchar) ?\(\d+\))$")]
    private static partial Regex SourceTextType();

    /// <summary>A PostgreSQL source's type as format_type prints it: words, each with an optional (n) or (p,s), then any [].</summary>
    [GeneratedRegex(@"^[a-z_][a-z0-9_]*( ?\(\d+(, ?\d+)?\))?( [a-z_][a-z0-9_]*( ?\(\d+(, ?\d+)?\))?)*(\[\])*$")]
    private static partial Regex SourceTypeShape();

    // A type name never goes into SQL unchecked: words, optional (n) or (p,s), optional [].
    [GeneratedRegex(@"^[a-z][a-z0-9_]*( [a-z][a-z0-9_]*)*( ?\(\d+( ?, ?\d+)?\))?(\[\])?$")]
    private static partial Regex PlanTypeShape();
}

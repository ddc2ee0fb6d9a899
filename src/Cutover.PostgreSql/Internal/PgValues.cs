using System.Globalization;
using System.Text.RegularExpressions;
using Cutover.Errors;
using Cutover.Values;
using Npgsql;
using NpgsqlTypes;

namespace Cutover.PostgreSql.Internal;

/// <summary>The PostgreSQL column types the target writer binds values for, and how values go in and come out.</summary>
internal static partial class PgValues
{
    /// <summary>Types read as they are; every other type is selected as <c>::text</c> (docs/type-mapping.md, "Reading from PostgreSQL").</summary>
    private static readonly HashSet<string> Native =
        ["int2", "int4", "int8", "float4", "float8", "text", "varchar", "bpchar", "bytea", "bool", "timestamptz", "date", "jsonb"];

    /// <summary>The select expression for a column whose (base) type is <paramref name="typeName"/>.</summary>
    public static string SelectExpr(string column, string? typeName) =>
        typeName is null || Native.Contains(typeName) ? PgSql.Quote(column) : PgSql.Quote(column) + "::text";

    /// <summary>
    /// How each column of a read is turned into a Cutover value, by its (base) type name: timestamptz and date as
    /// <see cref="Timestamp"/> and <see cref="Date"/> from PostgreSQL's own microsecond and day counts (so every value,
    /// infinity and BC dates included, comes through exactly), jsonb as <see cref="Json"/>, numeric as <see cref="Numeric"/>
    /// from its text, everything else by <see cref="Read"/>.
    /// </summary>
    public static Func<NpgsqlDataReader, int, object?>[] Readers(IReadOnlyList<string?> typeNames) =>
        typeNames.Select(ReaderFor).ToArray();

    private static Func<NpgsqlDataReader, int, object?> ReaderFor(string? typeName) => typeName switch
    {
        "timestamptz" => static (r, i) => r.IsDBNull(i) ? null : new Timestamp(r.GetFieldValue<long>(i)),
        "date" => static (r, i) => r.IsDBNull(i) ? null : new Date(r.GetFieldValue<int>(i)),
        "jsonb" => static (r, i) => r.IsDBNull(i) ? null : Json.Parse(r.GetString(i)),
        "numeric" => static (r, i) => r.IsDBNull(i) ? null : Numeric.Parse(r.GetString(i)),
        _ => Read,
    };

    /// <summary>
    /// How <see cref="PgCopyChecksum"/> turns the binary COPY form of a column selected by <see cref="SelectExpr"/> into the
    /// canonical bytes of the value <see cref="ReaderFor"/> reads; null for a column whose type is unknown.
    /// </summary>
    public static PgCopyField? CopyFieldOf(string? typeName) => typeName switch
    {
        null => null,
        "int2" => PgCopyField.Int2,
        "int4" => PgCopyField.Int4,
        "int8" => PgCopyField.Int8,
        "float4" => PgCopyField.Float4,
        "float8" => PgCopyField.Float8,
        "bool" => PgCopyField.Bool,
        "text" or "varchar" or "bpchar" => PgCopyField.Text,
        "bytea" => PgCopyField.Bytea,
        "timestamptz" => PgCopyField.TimestampTz,
        "date" => PgCopyField.Date,
        "jsonb" => PgCopyField.Jsonb,
        "numeric" => PgCopyField.NumericText,
        // Selected as ::text and read as that string.
        _ when !Native.Contains(typeName) => PgCopyField.Text,
        _ => null,
    };

    /// <summary>Normalizes a value read from PostgreSQL to Cutover's kinds: null, long, double, string, byte[].</summary>
    public static object? Read(NpgsqlDataReader r, int i)
    {
        if (r.IsDBNull(i))
        {
            return null;
        }
        return r.GetValue(i) switch
        {
            short s => (long)s,
            int n => (long)n,
            long l => l,
            float f => (double)f,
            double d => d,
            bool b => b ? 1L : 0L,
            string s => s,
            byte[] bytes => bytes,
            char c => c.ToString(),
            var other => System.Convert.ToString(other, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The kind of a PostgreSQL (base) type name, as the inspector reports it and the reader produces it.</summary>
    public static Schema.ColumnKind KindOf(string typeName) => typeName switch
    {
        "int2" or "int4" or "int8" => Schema.ColumnKind.Integer,
        "float4" or "float8" => Schema.ColumnKind.Real,
        "text" or "varchar" or "bpchar" => Schema.ColumnKind.Text,
        "bytea" => Schema.ColumnKind.Blob,
        "bool" => Schema.ColumnKind.Boolean,
        "numeric" => Schema.ColumnKind.Numeric,
        "timestamptz" => Schema.ColumnKind.Timestamp,
        "date" => Schema.ColumnKind.Date,
        "jsonb" => Schema.ColumnKind.Json,
        _ => Schema.ColumnKind.Other,
    };

    /// <summary>
    /// The NpgsqlDbType a mapped PostgreSQL column type is written with. <see cref="NpgsqlDbType.Unknown"/> means the value
    /// travels as text and the server converts it (a PostgreSQL source's interval, uuid[], enum, ...).
    /// </summary>
    public static NpgsqlDbType DbTypeOf(string pgType)
    {
        var t = pgType.ToLowerInvariant();
        if (t.EndsWith("[]", StringComparison.Ordinal))
        {
            return NpgsqlDbType.Unknown;
        }
        if (t.StartsWith("varchar", StringComparison.Ordinal) || t.StartsWith("character varying", StringComparison.Ordinal))
        {
            return NpgsqlDbType.Varchar;
        }
        if (t.StartsWith("numeric", StringComparison.Ordinal) || t.StartsWith("decimal", StringComparison.Ordinal))
        {
            return NpgsqlDbType.Numeric;
        }
        if (t.StartsWith("character", StringComparison.Ordinal) || t.StartsWith("char", StringComparison.Ordinal) || t.StartsWith("bpchar", StringComparison.Ordinal))
        {
            return NpgsqlDbType.Char;
        }
        return t switch
        {
            "bigint" or "int8" => NpgsqlDbType.Bigint,
            "integer" or "int4" or "int" => NpgsqlDbType.Integer,
            "smallint" or "int2" => NpgsqlDbType.Smallint,
            "double precision" or "float8" => NpgsqlDbType.Double,
            "real" or "float4" => NpgsqlDbType.Real,
            "text" => NpgsqlDbType.Text,
            "bytea" => NpgsqlDbType.Bytea,
            "boolean" or "bool" => NpgsqlDbType.Boolean,
            "timestamptz" or "timestamp with time zone" => NpgsqlDbType.TimestampTz,
            "date" => NpgsqlDbType.Date,
            "jsonb" => NpgsqlDbType.Jsonb,
            "json" => NpgsqlDbType.Json,
            "uuid" => NpgsqlDbType.Uuid,
            _ => NpgsqlDbType.Unknown,
        };
    }

    /// <summary>True when values of the column go in as text with a cast (numeric, and types Cutover has no binary form for).</summary>
    public static bool ViaText(PgColumn c) => c.DbType is NpgsqlDbType.Numeric or NpgsqlDbType.Unknown;

    /// <summary>
    /// Converts one Cutover value for <paramref name="column"/>. Returns an error (code, message) instead of a value when
    /// PostgreSQL cannot hold it faithfully; nothing is guessed, rounded or silently changed.
    /// </summary>
    public static (object? Value, string? Code, string? Error) Convert(PgColumn column, object? v)
    {
        var type = column.DbType;
        if (v is null)
        {
            return (null, null, null);
        }
        if (v is RawText)
        {
            return Fail(ErrorCodes.InvalidUtf8, $"column \"{column.Name}\" holds text that is not valid UTF-8, which PostgreSQL text cannot store; "
                + $"choose in the plan: columns: {{ {column.Name}: {{ invalid_utf8: replace | blob }} }}");
        }
        if (v is string s && s.Contains('\0', StringComparison.Ordinal))
        {
            return Fail(ErrorCodes.RowRejected, $"column \"{column.Name}\": PostgreSQL text cannot hold NUL (\\0) characters");
        }
        switch (type, v)
        {
            case (NpgsqlDbType.Bigint, long):
            case (NpgsqlDbType.Double, double):
            case (NpgsqlDbType.Text or NpgsqlDbType.Varchar or NpgsqlDbType.Char or NpgsqlDbType.Unknown, string):
            case (NpgsqlDbType.Json, string):
            case (NpgsqlDbType.Bytea, byte[]):
                return (v, null, null);
            case (NpgsqlDbType.Double, long l) when (long)(double)l == l && l != long.MaxValue:
                return ((double)l, null, null);
            case (NpgsqlDbType.Integer, long l) when l is >= int.MinValue and <= int.MaxValue:
                return ((int)l, null, null);
            case (NpgsqlDbType.Smallint, long l) when l is >= short.MinValue and <= short.MaxValue:
                return ((short)l, null, null);
            // real (float4) only from a PostgreSQL real, whose doubles are floats widened: never round one that is not.
            case (NpgsqlDbType.Real, double d) when double.IsNaN(d) || (double)(float)d == d:
                return ((float)d, null, null);
            case (NpgsqlDbType.Boolean, long l) when l is 0 or 1:
                return (l == 1, null, null);
            case (NpgsqlDbType.TimestampTz, Timestamp t):
                return (t.Microseconds, null, null);
            case (NpgsqlDbType.Date, Date d):
                return (d.Days, null, null);
            case (NpgsqlDbType.Jsonb or NpgsqlDbType.Json, Json j):
                return (j.Text, null, null);
            case (NpgsqlDbType.Uuid, string text) when Guid.TryParse(text, out var g):
                return (g, null, null);
            // numeric travels as text (docs/type-mapping.md, "Values on the wire"): decimal cannot hold 1e-300 or 1.7e308.
            // PostgreSQL parses it; text that is not a number, or a value too wide for numeric(p,s), is rejected per row.
            case (NpgsqlDbType.Numeric, long or double or string or Numeric):
                return FitNumeric(column, v);
        }
        return Fail(ErrorCodes.RowRejected, $"column \"{column.Name}\" is {Describe(column)} and cannot hold the {KindOf(v)} value {Preview(v)}");
    }

    /// <summary>
    /// A value for a numeric(p,s) column, refused when it has more fraction digits than s (PostgreSQL would round it) or more
    /// integer digits than p - s.
    /// </summary>
    private static (object?, string?, string?) FitNumeric(PgColumn column, object v)
    {
        var numeric = v switch
        {
            long l => Numeric.FromInteger(l),
            double d => Numeric.FromDouble(d),
            Numeric n => n,
            string text => Numeric.TryParse(text, out var parsed, out _) ? parsed : null,
            _ => null,
        };
        if (numeric is null)
        {
            // Not a number: PostgreSQL refuses it with its own message, row by row.
            return ((string)v, null, null);
        }
        if (NumericModifier().Match(column.PgType) is { Success: true } m && numeric.IsFinite)
        {
            var p = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var scale = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
            if (numeric.FractionDigits > scale)
            {
                return Fail(ErrorCodes.RowRejected,
                    $"column \"{column.Name}\" is {column.PgType} and would round {numeric.Text} to {scale} decimal places; choose type: numeric in the plan to keep it");
            }
            if (numeric.IntegerDigits > p - scale)
            {
                return Fail(ErrorCodes.RowRejected, $"column \"{column.Name}\" is {column.PgType} and cannot hold {numeric.Text}");
            }
        }
        return (numeric.Text, null, null);
    }

    /// <summary>
    /// <paramref name="v"/>, written into <paramref name="column"/>, as a read gives it back: a number in a numeric column as
    /// the exact decimal PostgreSQL keeps, an integer in a double precision column as a real, a uuid in lower case, a
    /// char(n) padded with blanks. Everything else comes back as written.
    /// </summary>
    public static object? AsStored(PgColumn column, object? v) => (column.DbType, v) switch
    {
        (NpgsqlDbType.Numeric, long l) => Numeric.FromInteger(l),
        (NpgsqlDbType.Numeric, double d) => Numeric.FromDouble(d),
        (NpgsqlDbType.Numeric, string s) when Numeric.TryParse(s, out var n, out _) => n,
        (NpgsqlDbType.Double, long l) when (long)(double)l == l && l != long.MaxValue => (double)l,
        (NpgsqlDbType.Uuid, string s) when Guid.TryParse(s, out var g) => g.ToString("D"),
        (NpgsqlDbType.Char, string s) when CharLength().Match(column.PgType) is { Success: true } m
            && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) is var n && s.Length < n => s.PadRight(n),
        _ => v,
    };

    private static (object?, string?, string?) Fail(string code, string message) => (null, code, message);

    private static string Describe(PgColumn c) => c.DbType switch
    {
        NpgsqlDbType.Boolean => "boolean (0 or 1)",
        NpgsqlDbType.Real => "real (float4), which would round",
        _ => c.PgType,
    };

    private static string KindOf(object v) => v switch
    {
        long => "integer",
        double => "real",
        string => "text",
        byte[] => "blob",
        Timestamp => "timestamp",
        Date => "date",
        Json => "JSON",
        Numeric => "decimal",
        _ => v.GetType().Name,
    };

    private static string Preview(object v) => v switch
    {
        byte[] b => $"({b.Length} bytes)",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s.Length > 40 ? $"'{s[..40]}…'" : $"'{s}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    [GeneratedRegex(@"^(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$", RegexOptions.IgnoreCase)]
    private static partial Regex NumericModifier();

    [GeneratedRegex(@"^(?:character|char|bpchar)\s*\(\s*(\d+)\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex CharLength();
}

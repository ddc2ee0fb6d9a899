using System.Globalization;
using Cutover.Errors;
using Cutover.Values;
using Npgsql;
using NpgsqlTypes;

namespace Cutover.PostgreSql.Internal;

/// <summary>The PostgreSQL column types the target writer binds values for, and how values go in and come out.</summary>
internal static class PgValues
{
    /// <summary>Types read as they are; every other type is selected as <c>::text</c> (docs/type-mapping.md, "Reading from PostgreSQL").</summary>
    private static readonly HashSet<string> Native =
        ["int2", "int4", "int8", "float4", "float8", "text", "varchar", "bpchar", "bytea", "bool"];

    /// <summary>The select expression for a column whose (base) type is <paramref name="typeName"/>.</summary>
    public static string SelectExpr(string column, string? typeName) =>
        typeName is null || Native.Contains(typeName) ? PgSql.Quote(column) : PgSql.Quote(column) + "::text";

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

    /// <summary>The NpgsqlDbType a mapped PostgreSQL column type is written with.</summary>
    public static NpgsqlDbType DbTypeOf(string pgType)
    {
        var t = pgType.ToLowerInvariant();
        if (t.StartsWith("varchar", StringComparison.Ordinal) || t.StartsWith("character varying", StringComparison.Ordinal))
        {
            return NpgsqlDbType.Varchar;
        }
        if (t.StartsWith("numeric", StringComparison.Ordinal) || t.StartsWith("decimal", StringComparison.Ordinal))
        {
            return NpgsqlDbType.Numeric;
        }
        return t switch
        {
            "bigint" or "int8" => NpgsqlDbType.Bigint,
            "double precision" or "float8" => NpgsqlDbType.Double,
            "text" => NpgsqlDbType.Text,
            "bytea" => NpgsqlDbType.Bytea,
            "boolean" or "bool" => NpgsqlDbType.Boolean,
            _ => throw new CutoverException(ErrorCodes.UnsupportedSchema,
                $"writing to PostgreSQL {pgType} columns is not supported yet; choose bigint, double precision, text, varchar(n), bytea, boolean or numeric in the plan"),
        };
    }

    /// <summary>
    /// Converts one Cutover value for a column of <paramref name="type"/>. Returns an error (code, message) instead of
    /// a value when PostgreSQL cannot hold it faithfully; nothing is guessed or silently changed.
    /// </summary>
    public static (object? Value, string? Code, string? Error) Convert(string column, NpgsqlDbType type, object? v)
    {
        if (v is null)
        {
            return (null, null, null);
        }
        if (v is RawText)
        {
            return Fail(ErrorCodes.InvalidUtf8, $"column \"{column}\" holds text that is not valid UTF-8, which PostgreSQL text cannot store; "
                + $"choose in the plan: columns: {{ {column}: {{ invalid_utf8: replace | blob }} }}");
        }
        if (v is string s && s.Contains('\0', StringComparison.Ordinal))
        {
            return Fail(ErrorCodes.RowRejected, $"column \"{column}\": PostgreSQL text cannot hold NUL (\\0) characters");
        }
        switch (type, v)
        {
            case (NpgsqlDbType.Bigint, long):
            case (NpgsqlDbType.Double, double):
            case (NpgsqlDbType.Text or NpgsqlDbType.Varchar, string):
            case (NpgsqlDbType.Bytea, byte[]):
                return (v, null, null);
            case (NpgsqlDbType.Double, long l) when (long)(double)l == l && l != long.MaxValue:
                return ((double)l, null, null);
            case (NpgsqlDbType.Boolean, long l) when l is 0 or 1:
                return (l == 1, null, null);
            // numeric travels as text (docs/type-mapping.md, "Values on the wire"): decimal cannot hold 1e-300 or 1.7e308.
            // PostgreSQL parses it; text that is not a number, or a value too wide for numeric(p,s), is rejected per row.
            case (NpgsqlDbType.Numeric, long l):
                return (l.ToString(CultureInfo.InvariantCulture), null, null);
            case (NpgsqlDbType.Numeric, double d):
                return (d.ToString("R", CultureInfo.InvariantCulture), null, null);
            case (NpgsqlDbType.Numeric, string text):
                return (text, null, null);
        }
        return Fail(ErrorCodes.RowRejected, $"column \"{column}\" is {Describe(type)} and cannot hold the {KindOf(v)} value {Preview(v)}");
    }

    private static (object?, string?, string?) Fail(string code, string message) => (null, code, message);

    private static string Describe(NpgsqlDbType t) => t switch
    {
        NpgsqlDbType.Bigint => "bigint",
        NpgsqlDbType.Double => "double precision",
        NpgsqlDbType.Varchar => "varchar",
        NpgsqlDbType.Boolean => "boolean (0 or 1)",
        _ => t.ToString().ToLowerInvariant(),
    };

    private static string KindOf(object v) => v switch
    {
        long => "integer",
        double => "real",
        string => "text",
        byte[] => "blob",
        _ => v.GetType().Name,
    };

    private static string Preview(object v) => v switch
    {
        byte[] b => $"({b.Length} bytes)",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s.Length > 40 ? $"'{s[..40]}…'" : $"'{s}'",
        _ => v.ToString() ?? "",
    };
}

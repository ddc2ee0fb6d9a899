namespace Cutover.PostgreSql.Internal;

/// <summary>
/// How one column of a binary COPY is turned into canonical bytes: by the (base) type name <see cref="PgValues.SelectExpr"/>
/// selected it by, so each kind comes out as <see cref="PgValues.Readers"/> reads it.
/// </summary>
internal enum PgCopyField
{
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Bool,

    /// <summary>text, varchar, bpchar, and every type selected as <c>::text</c>.</summary>
    Text,
    Bytea,
    TimestampTz,
    Date,
    Jsonb,

    /// <summary>numeric, selected as <c>::text</c> and read as a <see cref="Values.Numeric"/>.</summary>
    NumericText,
}

namespace Cutover.Schema;

/// <summary>
/// What a column's values are. SQLite columns are <see cref="Dynamic"/>: each value has its own storage class and the declared
/// type is a hint. A typed source (PostgreSQL) says what every value of a column is, and the plan's <c>dates</c>, <c>json</c>
/// and <c>booleans</c> options turn SQLite columns into typed ones. Targets choose their column type from it
/// (docs/type-mapping.md).
/// </summary>
public enum ColumnKind
{
    /// <summary>SQLite's storage classes, value by value; the target follows the declared type.</summary>
    Dynamic,

    /// <summary>Integers (PostgreSQL smallint, integer, bigint).</summary>
    Integer,

    /// <summary>Doubles (PostgreSQL real, double precision).</summary>
    Real,

    /// <summary>Text (PostgreSQL text, varchar(n), char(n)).</summary>
    Text,

    /// <summary>Bytes (PostgreSQL bytea).</summary>
    Blob,

    /// <summary>Booleans, carried as the integers 0 and 1.</summary>
    Boolean,

    /// <summary>Exact decimals (<see cref="Values.Numeric"/>).</summary>
    Numeric,

    /// <summary>Instants (<see cref="Values.Timestamp"/>).</summary>
    Timestamp,

    /// <summary>Calendar dates (<see cref="Values.Date"/>).</summary>
    Date,

    /// <summary>JSON compared by value (<see cref="Values.Json"/>).</summary>
    Json,

    /// <summary>Another type of a typed source, carried as the text the source prints for it (PostgreSQL uuid, interval, ...).</summary>
    Other,
}

namespace Cutover.Values;

/// <summary>
/// A set of the kinds of value a column can hold, as Cutover reads them: what a store must promise to leave alone
/// (<see cref="Connectors.ITargetStore.KeepsAsStored"/>) for a checksum to skip transforming rows.
/// </summary>
[Flags]
public enum ValueKinds
{
    None = 0,
    Null = 1,
    Integer = 1 << 1,

    /// <summary>Reals other than -0.0.</summary>
    Real = 1 << 2,

    /// <summary>The real -0.0, apart because some stores give it back as 0.0.</summary>
    NegativeZero = 1 << 3,

    /// <summary>Valid UTF-8 text (<see cref="string"/>).</summary>
    Text = 1 << 4,

    /// <summary>Text whose bytes are not valid UTF-8 (<see cref="RawText"/>).</summary>
    InvalidText = 1 << 5,
    Blob = 1 << 6,
    Timestamp = 1 << 7,
    Date = 1 << 8,
    Json = 1 << 9,
    Numeric = 1 << 10,

    /// <summary>Anything SQLite can hold: its five storage classes, -0.0 and invalid UTF-8 included.</summary>
    Dynamic = Null | Integer | Real | NegativeZero | Text | InvalidText | Blob,

    /// <summary>The typed values of a PostgreSQL source or the plan's conversions.</summary>
    Typed = Timestamp | Date | Json | Numeric,
}

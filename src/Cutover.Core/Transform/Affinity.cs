namespace Cutover.Transform;

/// <summary>SQLite's type affinity, which a declared type name implies; casts convert toward it.</summary>
public enum Affinity
{
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

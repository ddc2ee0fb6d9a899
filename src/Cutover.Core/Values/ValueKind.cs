namespace Cutover.Values;

/// <summary>The storage classes a value can have while it flows through Cutover.</summary>
public enum ValueKind
{
    Null,
    Integer,
    Real,
    Text,
    Blob,
}

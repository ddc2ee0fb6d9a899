using Cutover.Plan;

namespace Cutover.Transform;

/// <summary>
/// How one target column gets its value: from source column <see cref="SourceIndex"/> (or -1 for a column the
/// plan adds), cast, defaulted, rewritten through the id map of <see cref="IdMapEntity"/>, or converted to a typed value
/// (<see cref="Conversion"/>).
/// </summary>
public sealed record ColumnMapping(
    string TargetName,
    string SourceName,
    int SourceIndex,
    Affinity? Cast,
    bool HasDefault,
    object? Default,
    InvalidUtf8Policy InvalidUtf8,
    string? IdMapEntity,
    bool IsRekeyedKey)
{
    /// <summary>The plan's <c>dates</c>/<c>json</c> conversion of this column's values (in place of a cast).</summary>
    public ColumnConversion Conversion { get; init; }
}

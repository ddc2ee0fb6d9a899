using Cutover.Plan;

namespace Cutover.Transform;

/// <summary>
/// How one target column gets its value: from source column <see cref="SourceIndex"/> (or -1 for a column the
/// plan adds), cast, defaulted, or rewritten through the id map of <see cref="IdMapEntity"/>.
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
    bool IsRekeyedKey);

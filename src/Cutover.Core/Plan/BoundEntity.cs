using Cutover.Schema;
using Cutover.Transform;

namespace Cutover.Plan;

/// <summary>
/// An entity checked against the real source schema: the columns to read, the key to page by,
/// the target table to create, and how each target column is produced.
/// </summary>
public sealed record BoundEntity(
    EntityPlan Plan,
    TableSchema Source,
    IReadOnlyList<string> SourceColumns,
    IReadOnlyList<int> SourceKeyIndexes,
    TargetTable Target,
    IReadOnlyList<ColumnMapping> Mappings,
    int RekeyTimeIndex,
    IReadOnlyList<string> Notes)
{
    public string Name => Plan.Name;

    /// <summary>
    /// The <c>normalize:</c> rule of each target column that has one, named by its target column: the entity's rule for the
    /// column, else the entity's <c>*</c>, else the plan's rule for the column, else the plan's <c>*</c>.
    /// </summary>
    public IReadOnlyList<NormalizeRule> Normalizers { get; init; } = [];

    public IReadOnlyList<string> SourceKey => Plan.KeyIsRowid ? ["rowid"] : Plan.Key;

    public bool KeyIsRowid => Plan.KeyIsRowid;

    public bool IsRekeyed => Plan.Rekey is not null;

    /// <summary>The source key of a source row, as a tuple.</summary>
    public object?[] KeyOf(object?[] sourceRow)
    {
        var key = new object?[SourceKeyIndexes.Count];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = sourceRow[SourceKeyIndexes[i]];
        }
        return key;
    }

    /// <summary>How the target's rows are read back for verification: same layout the writer uses.</summary>
    public Connectors.ReadRequest TargetRead() => new(
        Target.Name,
        (Target.KeyIsRowid ? ["rowid"] : Array.Empty<string>()).Concat(Target.Columns.Select(c => c.Name)).ToList(),
        Target.KeyIsRowid ? ["rowid"] : Target.Key,
        Target.KeyIsRowid);

    public Connectors.ReadRequest SourceRead(IReadOnlyList<object?>? after = null, IReadOnlyList<IReadOnlyList<object?>>? keys = null) =>
        new(Source.Name, SourceColumns, SourceKey, KeyIsRowid, after, keys);
}

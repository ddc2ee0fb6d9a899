using Cutover.Connectors;
using Cutover.Plan;
using Cutover.Schema;
using Cutover.Transform;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// When the source side of verify may be checksummed straight from the source (<see cref="ISourceStore.ChecksumAsync"/> of
/// <see cref="VerbatimSourceRequest"/>) instead of reading every row, transforming it and taking it as the target stores it:
/// when, for every row the source can hold, that would give the same values. So only when no column is added, defaulted,
/// converted (dates, JSON), cast in a way that could change a value, rewritten through the id map or re-keyed, its invalid
/// UTF-8 policy cannot change a value, and the target keeps every value the source column can hold
/// (<see cref="ITargetStore.KeepsAsStored"/>). Anything else, or anything unsure, is false.
/// </summary>
/// <remarks>
/// Rows recorded as rejected are left out of the source side one by one; a caller with such rows reads the slow way.
/// </remarks>
public static class VerbatimChecksum
{
    public static bool CanChecksumVerbatim(BoundEntity e, ITargetStore target)
    {
        if (e.Target.KeyIsRowid != e.KeyIsRowid || e.IsRekeyed)
        {
            return false;
        }
        var offset = 0;
        if (e.KeyIsRowid)
        {
            // The transform copies source column 0, the rowid, into target column 0.
            if (e.SourceColumns.Count == 0 || !string.Equals(e.SourceColumns[0], "rowid", StringComparison.OrdinalIgnoreCase)
                || !target.KeepsAsStored(e.Target, 0, ValueKinds.Integer))
            {
                return false;
            }
            offset = 1;
        }
        if (e.Mappings.Count != e.Target.Columns.Count)
        {
            return false;
        }
        for (var i = 0; i < e.Mappings.Count; i++)
        {
            var m = e.Mappings[i];
            if (m.SourceIndex < 0 || m.SourceIndex >= e.SourceColumns.Count || m.IdMapEntity is not null || m.IsRekeyedKey || m.HasDefault
                || m.Conversion != ColumnConversion.None || e.Source.FindColumn(e.SourceColumns[m.SourceIndex]) is not { } column)
            {
                return false;
            }
            var kinds = KindsOf(column);
            if (!CastKeeps(m.Cast, kinds)
                || (kinds.HasFlag(ValueKinds.InvalidText) && m.InvalidUtf8 != InvalidUtf8Policy.Keep)
                || !target.KeepsAsStored(e.Target, i + offset, kinds))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The source columns in the target's order (the rowid first for a rowid key), over the source key range after
    /// <paramref name="after"/> and up to <paramref name="until"/>: the rows <see cref="CanChecksumVerbatim"/> speaks of.
    /// </summary>
    public static ReadRequest VerbatimSourceRequest(BoundEntity e, IReadOnlyList<object?>? after, IReadOnlyList<object?>? until) =>
        new(e.Source.Name,
            (e.KeyIsRowid ? ["rowid"] : Array.Empty<string>()).Concat(e.Mappings.Select(m => e.SourceColumns[m.SourceIndex])).ToList(),
            e.SourceKey, e.KeyIsRowid, After: after, Until: until);

    /// <summary>Every kind of value a read of <paramref name="column"/> can give.</summary>
    internal static ValueKinds KindsOf(ColumnSchema column) => column.Kind switch
    {
        // SQLite: any storage class whatever the declared type, with two rules of its affinities: a column with INTEGER, REAL or
        // NUMERIC affinity stores a REAL without a fraction as an integer, so -0.0 comes back as 0; one with REAL affinity
        // reads every number back as a REAL (https://sqlite.org/datatype3.html, 3.1 and 3.4).
        ColumnKind.Dynamic => AffinityRules.Of(column.DeclaredType) switch
        {
            Affinity.Real => ValueKinds.Dynamic & ~(ValueKinds.NegativeZero | ValueKinds.Integer),
            Affinity.Integer or Affinity.Numeric => ValueKinds.Dynamic & ~ValueKinds.NegativeZero,
            _ => ValueKinds.Dynamic,
        },
        ColumnKind.Integer or ColumnKind.Boolean => ValueKinds.Null | ValueKinds.Integer,
        ColumnKind.Real => ValueKinds.Null | ValueKinds.Real | ValueKinds.NegativeZero,
        ColumnKind.Text or ColumnKind.Other => ValueKinds.Null | ValueKinds.Text,
        ColumnKind.Blob => ValueKinds.Null | ValueKinds.Blob,
        ColumnKind.Numeric => ValueKinds.Null | ValueKinds.Numeric,
        ColumnKind.Timestamp => ValueKinds.Null | ValueKinds.Timestamp,
        ColumnKind.Date => ValueKinds.Null | ValueKinds.Date,
        ColumnKind.Json => ValueKinds.Null | ValueKinds.Json,
        _ => ValueKinds.Dynamic | ValueKinds.Typed,
    };

    /// <summary>Whether <see cref="ValueCaster.TryCast"/> toward <paramref name="cast"/> returns every value of <paramref name="kinds"/> as it is.</summary>
    private static bool CastKeeps(Affinity? cast, ValueKinds kinds) => cast switch
    {
        null or Affinity.Blob => true,
        Affinity.Integer => (kinds & ~(ValueKinds.Null | ValueKinds.Integer)) == 0,
        Affinity.Real => (kinds & ~(ValueKinds.Null | ValueKinds.Real | ValueKinds.NegativeZero)) == 0,
        Affinity.Text => (kinds & ~(ValueKinds.Null | ValueKinds.Text | ValueKinds.InvalidText)) == 0,
        // NUMERIC normalises numbers and number-like text, and keeps only what is neither.
        _ => (kinds & ~(ValueKinds.Null | ValueKinds.Blob | ValueKinds.InvalidText)) == 0,
    };
}

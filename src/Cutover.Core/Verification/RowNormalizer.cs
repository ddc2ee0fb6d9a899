using Cutover.Plan;
using Cutover.Verification.Normalization;

namespace Cutover.Verification;

/// <summary>
/// Applies an entity's <c>normalize:</c> rules (<see cref="BoundEntity.Normalizers"/>) to rows in the layout verification
/// reads the target in (<see cref="BoundEntity.TargetRead"/>: rowid first when the key is rowid). A rule only removes the
/// representation difference it names: a value it does not apply to is compared exactly as it is, kind included, and
/// columns without a rule are compared exactly.
/// </summary>
/// <remarks>
/// The guarantee the diff engine relies on: when <see cref="CanonicalEncoder"/> encodes <c>ForChecksum(a)[i]</c> and
/// <c>ForChecksum(b)[i]</c> alike, <see cref="Same"/> is true for them, so equal checksums never hide a row that
/// <see cref="Same"/> would call different. The converse holds for every rule but <c>float_tolerance</c>: two doubles within
/// the tolerance may fall on either side of a grid line and hash differently, and then <see cref="Same"/> decides.
/// An instance is immutable and may be shared between threads.
/// </remarks>
public sealed class RowNormalizer
{
    private readonly IReadOnlyList<string> _columns;
    private readonly ColumnNormalizer?[] _normalizers;

    private RowNormalizer(IReadOnlyList<string> columns, ColumnNormalizer?[] normalizers)
    {
        _columns = columns;
        _normalizers = normalizers;
    }

    /// <summary>
    /// The normalizer of <paramref name="entity"/>, or null when no rule applies to it. Columns are resolved against
    /// <c>entity.TargetRead().Columns</c>; rowid is never normalized.
    /// </summary>
    public static RowNormalizer? For(BoundEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.Normalizers.Count == 0)
        {
            return null;
        }
        var columns = entity.TargetRead().Columns;
        var normalizers = new ColumnNormalizer?[columns.Count];
        var any = false;
        for (var i = entity.Target.KeyIsRowid ? 1 : 0; i < columns.Count; i++)
        {
            var rule = entity.Normalizers.FirstOrDefault(r => string.Equals(r.Column, columns[i], StringComparison.OrdinalIgnoreCase));
            if (rule is not null && !rule.IsEmpty)
            {
                normalizers[i] = new ColumnNormalizer(rule);
                any = true;
            }
        }
        return any ? new RowNormalizer(columns, normalizers) : null;
    }

    /// <summary>
    /// The row's values for checksums and hashing, each canonical under its column's rules (doubles under a tolerance put
    /// on its grid). Returns a new array; <paramref name="row"/> is not changed.
    /// </summary>
    public object?[] ForChecksum(object?[] row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Length != _normalizers.Length)
        {
            throw new ArgumentException($"the row has {row.Length} values, but the entity's target has {_normalizers.Length} columns ({string.Join(", ", _columns)})", nameof(row));
        }
        var result = new object?[row.Length];
        for (var i = 0; i < row.Length; i++)
        {
            result[i] = _normalizers[i] is { } n ? n.ForChecksum(row[i]) : row[i];
        }
        return result;
    }

    /// <summary>
    /// Whether the source's and the target's value of column <paramref name="column"/> are the same under its rules: the
    /// authoritative comparison. A column without rules compares by canonical encoding, exactly.
    /// </summary>
    public bool Same(int column, object? source, object? target)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, _normalizers.Length);
        return _normalizers[column] is { } n ? n.Same(source, target) : CanonicalEquality.Equal(source, target);
    }

    /// <summary>One line per rule of each column, in the order they apply, e.g. <c>placed_at: timestamps to ms (text without offset read in +02:00)</c>.</summary>
    public IReadOnlyList<string> Describe() => _normalizers.OfType<ColumnNormalizer>().SelectMany(n => n.Describe()).ToList();
}

using System.Text;
using Cutover.Errors;
using Cutover.Plan;
using Cutover.State;
using Cutover.Values;

namespace Cutover.Transform;

/// <summary>
/// Turns source rows into target rows: drops, renames (by position), casts, defaults, invalid-UTF-8 policy,
/// the plan's dates/json conversions (a value that does not parse is refused as ROW_REJECTED with the reason),
/// and id-map rewrites of re-keyed keys and the foreign keys that follow them. The copy, verify and retry
/// all go through here, so the target is checked against exactly what was written.
/// </summary>
public sealed class RowTransformer(BoundEntity entity, IStateStore? ids)
{
    private readonly ColumnMapping[] _mappings = [.. entity.Mappings];
    private readonly int _offset = entity.Target.KeyIsRowid ? 1 : 0;

    public async Task<TransformedRow[]> TransformAsync(IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        var maps = await LookupIdsAsync(rows, ct).ConfigureAwait(false);
        var result = new TransformedRow[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            result[r] = TransformOne(rows[r], maps);
        }
        return result;
    }

    private async Task<Dictionary<string, Dictionary<object, string>>> LookupIdsAsync(IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        var maps = new Dictionary<string, Dictionary<object, string>>();
        foreach (var group in _mappings.Where(m => m.IdMapEntity is not null).GroupBy(m => m.IdMapEntity!))
        {
            var wanted = new HashSet<object>();
            foreach (var m in group)
            {
                foreach (var row in rows)
                {
                    if (row[m.SourceIndex] is { } v and (long or string))
                    {
                        wanted.Add(v);
                    }
                }
            }
            maps[group.Key] = ids is null || wanted.Count == 0 ? [] : await ids.LookupIdsAsync(group.Key, wanted, ct).ConfigureAwait(false);
        }
        return maps;
    }

    private TransformedRow TransformOne(object?[] src, Dictionary<string, Dictionary<object, string>> maps)
    {
        var target = new object?[_mappings.Length + _offset];
        if (_offset == 1)
        {
            target[0] = src[0];
        }
        for (var i = 0; i < _mappings.Length; i++)
        {
            var m = _mappings[i];
            var v = m.SourceIndex >= 0 ? src[m.SourceIndex] : null;
            if (m.IdMapEntity is not null && v is not null)
            {
                if (v is not (long or string) || !maps[m.IdMapEntity].TryGetValue(v, out var mapped))
                {
                    return m.IsRekeyedKey
                        ? Fail(src, ErrorCodes.RekeyFailed, $"{m.SourceName} {Value.Quote(v)} has no new id in the id map (see earlier failures for this key)")
                        : Fail(src, ErrorCodes.ForeignKeyUnmapped, $"{m.SourceName} = {Value.Quote(v)} matches no row of {m.IdMapEntity}; fix the orphan or set on_error: skip");
                }
                v = mapped;
            }
            if (v is null && m.HasDefault)
            {
                v = m.Default;
            }
            if (v is RawText raw)
            {
                switch (m.InvalidUtf8)
                {
                    case InvalidUtf8Policy.Replace:
                        v = Encoding.UTF8.GetString(raw.Bytes);
                        break;
                    case InvalidUtf8Policy.Blob:
                        v = raw.Bytes;
                        break;
                    case InvalidUtf8Policy.Reject:
                        return Fail(src, ErrorCodes.InvalidUtf8,
                            $"{m.SourceName} holds text that is not valid UTF-8; set columns: {{ {m.SourceName}: {{ invalid_utf8: keep | replace | blob }} }}");
                }
            }
            if (m.Conversion != ColumnConversion.None)
            {
                if (!TypedConverter.TryConvert(v, m.Conversion, out v, out var why))
                {
                    return Fail(src, ErrorCodes.RowRejected, $"{m.SourceName}: {why} ({TypedConverter.Option(m.Conversion)})");
                }
            }
            else if (m.Cast is { } to && !ValueCaster.TryCast(v, to, out v, out var reason))
            {
                return Fail(src, ErrorCodes.CastFailed, $"{m.SourceName}: {reason} (cast to {to.ToString().ToLowerInvariant()})");
            }
            target[i + _offset] = v;
        }
        return new TransformedRow(src, target, null, null);
    }

    private static TransformedRow Fail(object?[] src, string code, string message) => new(src, null, code, message);
}

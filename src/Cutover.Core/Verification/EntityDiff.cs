namespace Cutover.Verification;

/// <summary>How the chunked comparison runs (<see cref="ChunkedComparer"/>).</summary>
public sealed record DiffOptions
{
    /// <summary>About how many source rows one chunk (key range) holds.</summary>
    public int ChunkRows { get; init; } = DefaultChunkRows;

    public const int DefaultChunkRows = 100_000;

    /// <summary>
    /// How many keys of each kind of difference are kept (counts are always exact): all for diff and repair, a few for
    /// verify, which only reports how many.
    /// </summary>
    public int MaxDetails { get; init; } = int.MaxValue;

    /// <summary>Record each compared chunk in the state folder (<c>chunks/ENTITY.json</c>), so a later run may resume from it.</summary>
    public bool Record { get; init; }

    /// <summary>With <see cref="Record"/>: take the chunks an interrupted run recorded instead of comparing them again (<c>--resume</c>).</summary>
    public bool Resume { get; init; }
}

/// <summary>One field of a changed row: its name and both sides' values (as the target holds them).</summary>
public sealed record FieldDifference(string Field, object? Source, object? Target);

/// <summary>
/// A row present on both sides with different values. <see cref="Key"/> is the source key; <see cref="TargetKey"/> the
/// target's (the same values unless the entity is re-keyed).
/// </summary>
public sealed record RowDifference(object?[] Key, object?[] TargetKey, IReadOnlyList<FieldDifference> Fields);

/// <summary>A source row the plan's transforms refuse and no failure record explains (it cannot be on the target as it should).</summary>
public sealed record UntransformableRow(object?[] Key, string Code, string Message);

/// <summary>
/// What the chunked comparison found for one entity. <see cref="Missing"/> holds source keys of rows the target lacks;
/// <see cref="Extra"/> the keys of target rows no source row accounts for (the source key too, unless re-keyed: then the
/// target's key); <see cref="Changed"/> rows on both sides with fields that differ. The lists hold at most
/// <see cref="DiffOptions.MaxDetails"/> entries each; the counts are exact.
/// </summary>
public sealed class EntityDiff
{
    public required string Entity { get; init; }
    public required long SourceRows { get; init; }
    public required long TargetRows { get; init; }
    public required string SourceChecksum { get; init; }
    public required string TargetChecksum { get; init; }

    /// <summary>How many chunks the entity was cut into, how many differed, and how many an interrupted run had compared.</summary>
    public required int Chunks { get; init; }
    public required int ChunksDiffering { get; init; }
    public required int ChunksResumed { get; init; }

    /// <summary>False when the entity could only be compared as one chunk (re-keyed, or a key the plan transforms).</summary>
    public required bool Ranged { get; init; }

    public required long MissingCount { get; init; }
    public required long ExtraCount { get; init; }
    public required long ChangedCount { get; init; }
    public required IReadOnlyList<object?[]> Missing { get; init; }
    public required IReadOnlyList<object?[]> Extra { get; init; }
    public required IReadOnlyList<RowDifference> Changed { get; init; }
    public required IReadOnlyList<UntransformableRow> Untransformable { get; init; }

    /// <summary>Source rows left out because they are recorded as failed (see <c>cutover status</c>).</summary>
    public required long ExcludedRejected { get; init; }

    /// <summary>The plan's normalizers for this entity, one line each (empty when values are compared exactly).</summary>
    public required IReadOnlyList<string> Normalizers { get; init; }

    /// <summary>The target columns, in the order rows are compared (the rowid first when the key is rowid).</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    public required double Seconds { get; init; }

    public long UntransformableCount => Untransformable.Count;

    public bool Match => MissingCount == 0 && ExtraCount == 0 && ChangedCount == 0 && Untransformable.Count == 0;

    /// <summary>What differs, in words: "2 missing, 1 extra, 3 changed".</summary>
    public string Summary => Match ? "match" : string.Join(", ", new[]
    {
        MissingCount > 0 ? $"{MissingCount} missing" : null,
        ExtraCount > 0 ? $"{ExtraCount} extra" : null,
        ChangedCount > 0 ? $"{ChangedCount} changed" : null,
        Untransformable.Count > 0 ? $"{Untransformable.Count} not transformable" : null,
    }.Where(s => s is not null));
}

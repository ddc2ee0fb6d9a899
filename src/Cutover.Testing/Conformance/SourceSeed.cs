namespace Cutover.Testing.Conformance;

/// <summary>
/// How a conformance test wants its source built: <paramref name="Sql"/> runs verbatim (engine-neutral DDL the
/// base class generates), then <paramref name="Rows"/> are inserted with bound parameters into <paramref name="Table"/>.
/// </summary>
public sealed record SourceSeed(
    IReadOnlyList<string> Sql,
    string? Table = null,
    IReadOnlyList<string>? Columns = null,
    IReadOnlyList<object?[]>? Rows = null);

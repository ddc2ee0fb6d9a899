using Cutover.Values;

namespace Cutover.Testing.Conformance;

/// <summary>A column of a conformance table: its name and the kind of value it holds (mapped to a declared type per engine).</summary>
public sealed record ColumnSpec(string Name, ValueKind Kind);

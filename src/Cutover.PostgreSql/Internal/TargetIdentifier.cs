namespace Cutover.PostgreSql.Internal;

/// <summary>One identifier the target will create.</summary>
/// <param name="Kind">Table, column or index.</param>
/// <param name="Name">The target name, exactly as it will be quoted.</param>
/// <param name="Table">The table a column or index belongs to; null for a table.</param>
/// <param name="SourceName">The source name, when the plan renamed it (messages name the plan field to change).</param>
internal sealed record TargetIdentifier(IdentifierKind Kind, string Name, string? Table = null, string? SourceName = null);

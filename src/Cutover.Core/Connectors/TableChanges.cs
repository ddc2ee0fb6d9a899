using Cutover.Schema;

namespace Cutover.Connectors;

/// <summary>
/// Captured changes for one table, ready to apply: rows to insert or replace by key (laid out as
/// <see cref="ITargetStore.WriteBatchAsync"/> takes them) and keys to delete (in the order of <see cref="TargetTable.Key"/>).
/// </summary>
public sealed record TableChanges(TargetTable Table, IReadOnlyList<object?[]> Upserts, IReadOnlyList<IReadOnlyList<object?>> Deletes);

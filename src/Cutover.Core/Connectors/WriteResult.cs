namespace Cutover.Connectors;

/// <summary>What happened to a batch: how many rows were written, and each row that was refused.</summary>
public sealed record WriteResult(int Written, IReadOnlyList<RowFailure> Failures);

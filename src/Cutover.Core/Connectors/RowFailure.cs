namespace Cutover.Connectors;

/// <summary>A row the target refused: its index in the batch, a stable code and the store's message.</summary>
public sealed record RowFailure(int Index, string Code, string Message);

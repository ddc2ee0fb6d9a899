namespace Cutover.Transform;

/// <summary>A source row and what became of it: the target row, or the code and reason it was refused.</summary>
public readonly record struct TransformedRow(object?[] Source, object?[]? Target, string? Code, string? Message)
{
    public bool Ok => Target is not null;
}

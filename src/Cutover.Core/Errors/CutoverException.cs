namespace Cutover.Errors;

/// <summary>
/// The one exception type Cutover raises on purpose. It carries a stable <see cref="Code"/>,
/// a message written for the person running the tool, and where the problem came from.
/// </summary>
public sealed class CutoverException : Exception
{
    public CutoverException(string code, string message, bool isTransient = false, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        IsTransient = isTransient;
    }

    /// <summary>Stable code, e.g. <c>PLAN_INVALID</c>.</summary>
    public string Code { get; }

    /// <summary>True when retrying the same operation may succeed (a busy database, a dropped connection).</summary>
    public bool IsTransient { get; }

    /// <summary>Extra lines (one per problem) when one error stands for several, as with plan validation.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
}

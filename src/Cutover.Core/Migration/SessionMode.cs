namespace Cutover.Migration;

/// <summary>How a command opens the stores.</summary>
public enum SessionMode
{
    /// <summary>Nothing is created or written anywhere (plan, dry runs, status, verify).</summary>
    ReadOnly,

    /// <summary>The target and the state store may be created and written.</summary>
    Write,
}

namespace Cutover.Plan;

/// <summary>What to do with TEXT values whose bytes are not valid UTF-8.</summary>
public enum InvalidUtf8Policy
{
    /// <summary>Copy the bytes exactly, still as TEXT (default; the target must allow it).</summary>
    Keep,

    /// <summary>Replace invalid sequences with U+FFFD.</summary>
    Replace,

    /// <summary>Store the bytes as a BLOB.</summary>
    Blob,

    /// <summary>Refuse the row with <c>INVALID_UTF8</c>.</summary>
    Reject,
}

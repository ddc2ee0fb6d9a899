namespace Cutover.Plan;

/// <summary>What a fresh run does when a target table already holds rows.</summary>
public enum IfExistsPolicy
{
    /// <summary>Refuse with <c>TARGET_NOT_EMPTY</c> (default).</summary>
    Fail,

    /// <summary>Drop and recreate the table (the pre-migration backup keeps the old rows).</summary>
    Replace,
}

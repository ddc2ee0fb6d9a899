namespace Cutover.Routing.Outcomes;

/// <summary>How a dual write ended.</summary>
public enum WriteOutcomeKind
{
    /// <summary>Both stores took the write.</summary>
    BothSucceeded,

    /// <summary>One store took it and the other failed (<see cref="WriteOutcome.FailedSide"/> says which).</summary>
    Partial,

    /// <summary>Neither store took it; the caller saw the leader's error.</summary>
    BothFailed,
}

namespace Cutover.Migration;

/// <summary>What <c>retry</c> did with the recorded failures.</summary>
public sealed record RetryResult(int Attempted, int Fixed, int StillFailing, int GoneFromSource, IReadOnlyList<string> Remaining);

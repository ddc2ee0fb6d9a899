namespace Cutover.Routing.Outcomes;

/// <summary>Told about every dual write's outcome, after both sides have answered and before the caller gets its result.</summary>
public interface IWriteObserver
{
    /// <summary>Must not throw and should not block: it runs on the caller's path.</summary>
    void OnWrite(WriteOutcome outcome);
}

namespace Cutover.State;

/// <summary>An operator action or engine decision, as written to the audit log.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string Detail);

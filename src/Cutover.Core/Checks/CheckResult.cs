using Cutover.Plan;

namespace Cutover.Checks;

/// <summary>The outcome of one custom check. <see cref="Error"/> is set when the query itself failed.</summary>
public sealed record CheckResult(string Name, CheckSide On, string Expected, string? Actual, bool Passed, string? Error);

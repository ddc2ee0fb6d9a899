namespace Cutover.Verification;

/// <summary>
/// One result of <c>cutover audit</c>: what was checked (<paramref name="Check"/>, one of <see cref="AuditChecks"/>, and
/// <paramref name="Subject"/>: an entity, a foreign key, a check's name, the target), whether it holds, how many rows or
/// objects break it, a one-line <paramref name="Detail"/>, and up to a few <paramref name="Samples"/> (keys as
/// <see cref="Values.Value.DisplayKey"/> renders them, or object names).
/// </summary>
public sealed record AuditFinding(string Check, string Subject, bool Ok, long Count, string Detail, IReadOnlyList<string> Samples);

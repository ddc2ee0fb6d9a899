namespace Cutover.Verification;

/// <summary>Everything <see cref="Auditor"/> found, in the order it checked.</summary>
public sealed record AuditResult(IReadOnlyList<AuditFinding> Findings)
{
    /// <summary>True when every finding holds.</summary>
    public bool Ok => Findings.All(f => f.Ok);

    public IReadOnlyList<AuditFinding> Failed => Findings.Where(f => !f.Ok).ToList();

    /// <summary><c>audit: N checks, all passed</c> or <c>audit: K of N checks failed</c>.</summary>
    public string Summary => Ok
        ? $"audit: {Findings.Count} checks, all passed"
        : $"audit: {Failed.Count} of {Findings.Count} checks failed";
}

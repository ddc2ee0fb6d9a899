namespace Cutover.Preflight;

/// <summary>One preflight check and its outcome; <see cref="Code"/> is set when it failed.</summary>
public sealed record PreflightFinding(string Check, bool Passed, string Detail, string? Code = null);

using Cutover.Errors;

namespace Cutover.State;

/// <summary>How a <see cref="RunStatus"/> is spelled in state stores and output: running, failed, completed, rolled_back.</summary>
public static class RunStatusText
{
    public static string ToText(RunStatus s) => s switch
    {
        RunStatus.RolledBack => "rolled_back",
        _ => s.ToString().ToLowerInvariant(),
    };

    /// <summary>Reads a stored status; anything else means the state store holds something Cutover did not write.</summary>
    public static RunStatus Parse(string s) => s switch
    {
        "running" => RunStatus.Running,
        "failed" => RunStatus.Failed,
        "completed" => RunStatus.Completed,
        "rolled_back" => RunStatus.RolledBack,
        _ => throw new CutoverException(ErrorCodes.StateUnreachable, $"state store holds an unknown run status '{s}'"),
    };
}

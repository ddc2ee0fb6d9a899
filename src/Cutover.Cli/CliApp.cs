namespace Cutover.Cli;

/// <summary>Entry point of the CLI; builds the command tree and runs it.</summary>
internal static class CliApp
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("cutover: not wired yet");
        return Task.FromResult(args.Length == 0 ? 2 : 2);
    }
}

using System.CommandLine;
using Cutover.Cli.Commands;
using Cutover.Errors;

namespace Cutover.Cli;

/// <summary>Builds the command tree. Usage errors exit 2 with one line naming the problem.</summary>
internal static class CliApp
{
    public static RootCommand BuildRoot() => new("Cutover: copy a live system's data to a new store, verify it, resume after any stop, roll back.")
    {
        InitCommand.Build(),
        PlanCommand.Build(),
        MigrateCommand.Build(),
        StatusCommand.Build(),
        VerifyCommand.Build(),
        BackupCommand.Build(),
        RollbackCommand.Build(),
        RetryCommand.Build(),
        IdMapCommand.Build(),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        Infrastructure.Terminal.Configure();
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                Console.Error.WriteLine($"cutover: error {ErrorCodes.UsageInvalid}: {e.Message}");
            }
            Console.Error.WriteLine("run 'cutover --help' for the commands and their options.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}

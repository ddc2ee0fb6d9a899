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
        SyncCommand.Build(),
        CutoverCommand.Build(),
        CompleteCommand.Build(),
        PauseCommand.Build(pause: true),
        PauseCommand.Build(pause: false),
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
        // First Ctrl-C (or SIGTERM) cancels the command, which records the run as interrupted and exits 130;
        // a second one ends the process at once.
        using var cancel = new CancellationTokenSource();
        void OnSignal(System.Runtime.InteropServices.PosixSignalContext context)
        {
            if (!cancel.IsCancellationRequested)
            {
                context.Cancel = true;
                Console.Error.WriteLine("cutover: stopping after the current batch (press Ctrl-C again to stop at once)...");
                cancel.Cancel();
            }
        }
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, OnSignal);
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, OnSignal);
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancel.Token).ConfigureAwait(false);
    }
}

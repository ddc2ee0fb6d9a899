using System.CommandLine;
using System.CommandLine.Help;
using Cutover.Cli.Commands;
using Cutover.Errors;

namespace Cutover.Cli;

/// <summary>Builds the command tree. Usage errors exit 2 with one line naming the problem.</summary>
internal static class CliApp
{
    /// <summary>
    /// The command tree. Its root is a plain command named <c>Cutover</c>, not System.CommandLine's RootCommand (which takes the
    /// executable's name, <c>cutover</c>): the verb <c>cutover cutover PLAN</c> would otherwise clash with the root's own name.
    /// </summary>
    public static Command BuildRoot() => new("Cutover", "Cutover: copy a live system's data to a new store, keep it in sync, cut over, roll back without losing a write.")
    {
        new HelpOption(),
        new VersionOption(),
        InitCommand.Build(),
        PlanCommand.Build(),
        MigrateCommand.Build(),
        StatusCommand.Build(),
        VerifyCommand.Build(),
        DiffCommand.Build(),
        RepairCommand.Build(),
        AuditCommand.Build(),
        BackupCommand.Build(),
        RollbackCommand.Build(),
        RetryCommand.Build(),
        IdMapCommand.Build(),
        SyncCommand.Build(),
        CutoverCommand.Build(),
        CompleteCommand.Build(),
        PauseCommand.Build(pause: true),
        PauseCommand.Build(pause: false),
        RoutingCommands.BuildStage(),
        RoutingCommands.BuildTraffic(),
        ConflictsCommand.Build(),
        ReconcileCommand.Build(),
        RolloutCommand.Build(),
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

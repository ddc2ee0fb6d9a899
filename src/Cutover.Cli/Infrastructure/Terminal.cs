using Cutover.Migration;
using Spectre.Console;

namespace Cutover.Cli.Infrastructure;

/// <summary>Chooses how progress is shown: bars on a terminal, plain lines otherwise (stderr when stdout carries JSON).</summary>
internal static class Terminal
{
    /// <summary>Piped or CI output gets no colours, no escape codes and wide tables, so logs read cleanly.</summary>
    public static void Configure()
    {
        if (Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 })
        {
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(Console.Out),
            });
            AnsiConsole.Profile.Width = 200;
        }
    }

    public static bool Interactive => !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null or "" or "false";

    public static async Task<T> WithProgressAsync<T>(bool json, Func<IMigrationObserver, Task<T>> body)
    {
        if (json)
        {
            return await body(new PlainObserver(Console.Error)).ConfigureAwait(false);
        }
        if (Interactive)
        {
            return await ProgressObserver.RunAsync(body).ConfigureAwait(false);
        }
        return await body(new PlainObserver(Console.Out)).ConfigureAwait(false);
    }
}

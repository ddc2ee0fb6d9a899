using Microsoft.Extensions.Logging;

namespace Cutover.Cli.Infrastructure;

/// <summary>
/// The detailed log: <c>.cutover/NAME/cutover.log</c>, appended to only when the state folder already exists
/// (so read-only commands and dry runs never create files).
/// </summary>
internal static class FileLog
{
    private static string? _path;

    public static string Hint => _path is null ? "" : $" (details in {_path})";

    public static void Attach(string stateDirectory)
    {
        if (Directory.Exists(stateDirectory))
        {
            _path = Path.Combine(stateDirectory, "cutover.log");
        }
    }

    public static ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new Provider()));

    public static void Write(string level, string category, string message)
    {
        if (_path is null)
        {
            return;
        }
        try
        {
            File.AppendAllText(_path, $"{DateTimeOffset.UtcNow:O} {level,-5} {category}: {CliRuntime.Redact(message)}\n");
        }
        catch (IOException)
        {
            // The log is a convenience; a full disk must not turn into a second failure.
        }
    }

    public static void Crash(Exception ex) => Write("crit", "cutover", ex.ToString());

    private sealed class Provider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Write(logLevel.ToString().ToLowerInvariant()[..4], category, formatter(state, exception) + (exception is null ? "" : "\n" + exception));
    }
}

using Cutover.Migration;
using Cutover.State;
using Spectre.Console;

namespace Cutover.Cli.Infrastructure;

/// <summary>Live progress bars with rate and ETA, for a person at a terminal.</summary>
internal sealed class ProgressObserver(ProgressContext progress) : IMigrationObserver
{
    private readonly Dictionary<string, ProgressTask> _tasks = [];

    public void Phase(string phase, string detail) => AnsiConsole.MarkupLineInterpolated($"[grey]phase[/] [bold]{phase}[/]: {detail}");

    public void EntityStarted(string entity, long total, long done)
    {
        if (!_tasks.TryGetValue(entity, out var task))
        {
            task = progress.AddTask(Markup.Escape(entity), maxValue: Math.Max(total, 1));
            _tasks[entity] = task;
        }
        if (total < 0)
        {
            task.IsIndeterminate = true;
        }
        task.Value = done;
    }

    public void Progress(string entity, long done)
    {
        if (_tasks.TryGetValue(entity, out var task))
        {
            task.Value = done;
        }
    }

    public void EntityFinished(EntityProgress p)
    {
        if (_tasks.TryGetValue(p.Entity, out var task))
        {
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }

    public void Info(string message) => AnsiConsole.MarkupLineInterpolated($"{message}");

    public void Warn(string message) => AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {CliRuntime.Redact(message)}");

    /// <summary>Runs <paramref name="body"/> under live progress bars.</summary>
    public static Task<T> RunAsync<T>(Func<IMigrationObserver, Task<T>> body) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(ctx => body(new ProgressObserver(ctx)));

    /// <summary>Rows per second of a task.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(task.Speed is { } s ? $"[grey]{s:F0} rows/s[/]" : "");
    }
}

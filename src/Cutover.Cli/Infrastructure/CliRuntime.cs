using System.Text.Json;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Sqlite;
using Microsoft.Extensions.Logging;

namespace Cutover.Cli.Infrastructure;

/// <summary>What every command shares: the connectors, plan loading, opening stores, one-line errors.</summary>
internal static class CliRuntime
{
    public static readonly StoreRegistry Registry = new([new SqliteStoreProvider()]);

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    public static Task<MigrationContext> OpenAsync(MigrationPlan plan, SessionMode mode, IMigrationObserver? observer, ILogger? logger, CancellationToken ct) =>
        MigrationSession.OpenAsync(plan, Registry, (path, create) => SqliteStateStore.Open(path, create), mode, observer, logger, null, ct);

    /// <summary>
    /// Runs a command body and turns every failure into one line on stderr with its code, and an exit code.
    /// Stack traces go to the log file only (when the plan has a state folder), never to the user.
    /// </summary>
    public static async Task<int> GuardAsync(string command, bool json, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CutoverException ex)
        {
            Fail(command, json, ex.Code, ex.Message, ex.Details);
            return ExitCodes.For(ex.Code);
        }
        catch (OperationCanceledException)
        {
            Fail(command, json, ErrorCodes.Interrupted, "interrupted; run the same command again to resume", []);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            FileLog.Crash(ex);
            Fail(command, json, ErrorCodes.Internal, $"{ex.GetType().Name}: {Redaction.Redact(ex.Message.Split('\n')[0])}{FileLog.Hint}", []);
            return ExitCodes.InternalError;
        }
    }

    public static void Fail(string command, bool json, string code, string message, IReadOnlyList<string> details)
    {
        message = Redaction.Redact(message);
        if (json)
        {
            WriteJson(new { error = new { code, message, details }, exit_code = ExitCodes.For(code) });
        }
        Console.Error.WriteLine($"{command}: error {code}: {message}");
        if (details.Count > 1)
        {
            foreach (var d in details)
            {
                Console.Error.WriteLine("  " + Redaction.Redact(d));
            }
        }
    }

    public static MigrationPlan LoadPlan(string path)
    {
        var plan = PlanLoader.Load(path);
        FileLog.Attach(plan.StateDirectory);
        return plan;
    }
}

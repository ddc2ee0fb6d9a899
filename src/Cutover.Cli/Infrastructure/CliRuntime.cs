using System.Text.Json;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.PostgreSql;
using Cutover.Sqlite;
using Cutover.State;
using Microsoft.Extensions.Logging;

namespace Cutover.Cli.Infrastructure;

/// <summary>What every command shares: the connectors, plan loading, opening stores, one-line errors.</summary>
internal static class CliRuntime
{
    public static readonly StoreRegistry Registry = new([new SqliteStoreProvider(), new PostgreSqlStoreProvider()]);

    private static readonly List<(string Secret, string Mask)> Secrets = [];

    /// <summary>
    /// Remembers the store URIs of this command (plan source/target/state, init options), so <see cref="Redact"/> can
    /// mask them, and their passwords URL-encoded and decoded, wherever they turn up in text.
    /// </summary>
    public static void RememberStores(params string?[] uris)
    {
        lock (Secrets)
        {
            foreach (var uri in uris)
            {
                if (string.IsNullOrEmpty(uri))
                {
                    continue;
                }
                var masked = Registry.Redact(uri);
                if (masked != uri)
                {
                    Secrets.Add((uri, masked));
                }
                if (PasswordOf(uri) is { } encoded)
                {
                    Secrets.Add((encoded, "***"));
                    var decoded = Uri.UnescapeDataString(encoded);
                    if (decoded != encoded)
                    {
                        Secrets.Add((decoded, "***"));
                    }
                }
            }
            // Longest first, so a whole URI is masked before a password inside it.
            Secrets.Sort((a, b) => b.Secret.Length.CompareTo(a.Secret.Length));
        }
    }

    /// <summary>The password part of <c>scheme://user:password@host</c> (up to the last '@'), or null.</summary>
    private static string? PasswordOf(string uri)
    {
        var start = uri.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        var colon = uri.IndexOf(':', start + 3);
        var at = uri.LastIndexOf('@');
        if (colon < 0 || at < colon)
        {
            return null;
        }
        var password = uri[(colon + 1)..at];
        // Masking a one- or two-character password everywhere would garble every message; those are masked by the URI rules.
        return password.Length >= 3 ? password : null;
    }

    /// <summary>Masks every remembered store secret, then the generic URI and key=value password patterns.</summary>
    public static string Redact(string text)
    {
        lock (Secrets)
        {
            foreach (var (secret, mask) in Secrets)
            {
                text = text.Replace(secret, mask, StringComparison.Ordinal);
            }
        }
        return Redaction.Redact(text);
    }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>
    /// Opens the plan's stores. <paramref name="lockPlan"/> (commands that hold the plan's file lock: migrate, retry,
    /// rollback, backup verify|restore) also takes the plan's advisory lock when the state is in PostgreSQL.
    /// </summary>
    public static Task<MigrationContext> OpenAsync(MigrationPlan plan, SessionMode mode, IMigrationObserver? observer, ILogger? logger, CancellationToken ct, bool lockPlan = false) =>
        MigrationSession.OpenAsync(plan, Registry, (p, create, c) => OpenStateAsync(p, create, lockPlan && create, c), mode, observer, logger, null, ct);

    /// <summary>
    /// The one way commands open a plan's state: the SQLite file, or the plan's rows in a PostgreSQL database.
    /// Opening for writing creates it; a read-only open returns null when there is no state yet. With
    /// <paramref name="lockPlan"/>, a PostgreSQL state store also takes the plan's session-level advisory lock
    /// (RUN_LOCKED when another session holds it); it is released when the store closes or the process dies.
    /// </summary>
    public static async Task<IStateStore?> OpenStateAsync(MigrationPlan plan, bool create, bool lockPlan, CancellationToken ct)
    {
        if (!plan.StateIsRemote)
        {
            return SqliteStateStore.Open(plan.StatePath, create);
        }
        RememberStores(plan.State);
        if (PostgreSqlStateStore.Problem(plan.State!) is { } problem)
        {
            throw PlanLoader.Invalid([new PlanError(plan.StateAt, problem, "write state: postgres://USER:PASSWORD@HOST:5432/DATABASE")]);
        }
        var store = await PostgreSqlStateStore.OpenAsync(plan.State!, plan.Name, create, ct).ConfigureAwait(false);
        if (store is not null && lockPlan)
        {
            try
            {
                await store.LockPlanAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                await store.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        return store;
    }

    /// <summary>True when a live process holds the plan: its file lock here, or (PostgreSQL state) its advisory lock anywhere.</summary>
    public static async Task<bool> IsPlanHeldAsync(MigrationPlan plan, IStateStore state, CancellationToken ct) =>
        PlanLock.IsHeld(plan.StateDirectory)
        || (state is PostgreSqlStateStore pg && await pg.IsPlanLockedAsync(ct).ConfigureAwait(false));

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
            Fail(command, json, ErrorCodes.Internal, $"{ex.GetType().Name}: {Redact(ex.Message.Split('\n')[0])}{FileLog.Hint}", []);
            return ExitCodes.InternalError;
        }
    }

    public static void Fail(string command, bool json, string code, string message, IReadOnlyList<string> details)
    {
        message = Redact(message);
        if (json)
        {
            WriteJson(new { error = new { code, message, details }, exit_code = ExitCodes.For(code) });
        }
        Console.Error.WriteLine($"{command}: error {code}: {message}");
        if (details.Count > 1)
        {
            foreach (var d in details)
            {
                Console.Error.WriteLine("  " + Redact(d));
            }
        }
    }

    /// <summary>Loads a plan that must capture writes (sync, cutover); <paramref name="why"/> says what would go wrong without it.</summary>
    public static MigrationPlan LoadCapturingPlan(string path, string why)
    {
        var plan = LoadPlan(path);
        if (plan.Capture == Capture.CaptureMode.None)
        {
            throw new CutoverException(ErrorCodes.CaptureNotInstalled, $"{plan.FilePath}: the plan has capture: none, so {why}; add capture: triggers and run cutover migrate");
        }
        return plan;
    }

    public static MigrationPlan LoadPlan(string path)
    {
        var plan = PlanLoader.Load(path);
        RememberStores(plan.Source, plan.Target, plan.State);
        FileLog.Attach(plan.StateDirectory);
        return plan;
    }
}

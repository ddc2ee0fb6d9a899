// The gaia-dual-write sample service: PUT/GET/DELETE /sessions/{id} over an old and a new SQLite store, routed by
// Cutover.Routing with the control read from the plan's state store (so `cutover stage` and `cutover traffic` move it).
// Arguments: --old PATH --new PATH --state PATH --urls http://127.0.0.1:PORT. The breach thresholds come from the plan's rollout:
// block through the routing control (cutover rollout publishes them); until then the library's defaults apply.
using Cutover.Routing;
using Cutover.Routing.Breach;
using Cutover.Routing.Control;
using Cutover.Routing.DependencyInjection;
using Cutover.Routing.Outcomes;
using Cutover.Sqlite;
using Cutover.State;
using Gaia.Service;
using Polly.CircuitBreaker;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var config = builder.Configuration;
string Required(string name) => config[name] ?? throw new ArgumentException($"--{name} PATH is required");
var oldPath = Required("old");
var newPath = Required("new");
var statePath = Required("state");

var stats = new WriteStats();
var fault = new FaultSwitch();
var breakerState = new CircuitBreakerStateProvider();
var breakerControl = new CircuitBreakerManualControl();
builder.Services.AddSingleton(stats);
builder.Services.AddSingleton<IWriteObserver>(stats);
builder.Services.AddSingleton(fault);
builder.Services.AddSingleton<IStateStore>(_ => SqliteStateStore.Open(statePath, create: true)!);
builder.Services.AddCutoverRouting<string, Session>(
    _ => new OldSessionStore(new SqliteFile(oldPath, OldSessionStore.Schema)),
    _ => new NewSessionStore(new SqliteFile(newPath, NewSessionStore.Schema), fault),
    o =>
    {
        o.Entity = "sessions";
        o.KeyText = id => id;
        o.Diff = Session.Diff;
        // Polly's defaults, plus handles so /stats shows the breaker and an operator can close it once the store is fixed.
        o.NewSideBreaker = new CircuitBreakerStrategyOptions { StateProvider = breakerState, ManualControl = breakerControl };
    });

var app = builder.Build();
var router = app.Services.GetRequiredService<MigrationRouter<string, Session>>();
var control = app.Services.GetRequiredService<IRoutingControlSource>();
long breaches = 0;
router.Breached += (_, _) => Interlocked.Increment(ref breaches);

app.MapPut("/sessions/{id}", async (string id, Session session, CancellationToken ct) =>
{
    try
    {
        await router.WriteAsync(id, session, ct);
        stats.Handled(succeeded: true);
        return Results.NoContent();
    }
    catch (Exception e) when (e is not OperationCanceledException)
    {
        stats.Handled(succeeded: false);
        return Results.Problem(e.Message, statusCode: 503);
    }
});
app.MapGet("/sessions/{id}", async (string id, CancellationToken ct) =>
    await router.ReadAsync(id, ct) is { } s ? Results.Ok(s) : Results.NotFound());
app.MapDelete("/sessions/{id}", async (string id, CancellationToken ct) =>
{
    try
    {
        await router.DeleteAsync(id, ct);
        stats.Handled(succeeded: true);
        return Results.NoContent();
    }
    catch (Exception e) when (e is not OperationCanceledException)
    {
        stats.Handled(succeeded: false);
        return Results.Problem(e.Message, statusCode: 503);
    }
});
app.MapPost("/fault/new", (bool? on, int? latencyMs) =>
{
    if (on is { } failing)
    {
        fault.Failing = failing;
    }
    if (latencyMs is { } ms)
    {
        fault.Latency = TimeSpan.FromMilliseconds(Math.Max(0, ms));
    }
    return Results.Ok(new { failing = fault.Failing, latency_ms = fault.Latency.TotalMilliseconds });
});
app.MapPost("/breaker/new/close", async () =>
{
    await breakerControl.CloseAsync();
    return Results.Ok(new { breaker = breakerState.CircuitState.ToString() });
});
app.MapGet("/stats", () =>
{
    var c = control.Current;
    var (calls, failures, rate, p99) = router.Monitor?.Snapshot() ?? default;
    var last = router.LastBreach;
    return Results.Json(new Dictionary<string, object?>
    {
        ["writes_total"] = stats.Total,
        ["writes_successful"] = stats.Total - stats.Failed,
        ["writes_partial"] = stats.Partial,
        ["writes_failed"] = stats.Failed,
        ["dual_writes"] = stats.Dual,
        ["dual_both_succeeded"] = stats.BothSucceeded,
        ["dual_both_failed"] = stats.BothFailed,
        ["conflicts_found"] = stats.Partial,
        ["journal_failures"] = router.JournalFailures,
        ["control"] = new { stage = c.Stage, lead = c.Lead, read_percent = c.ReadPercent, write_percent = c.WritePercent, version = c.Version, reason = c.Reason,
            thresholds = c.Thresholds?.Describe() },
        ["new_side_window"] = new { calls, failures, error_rate = rate, p99_ms = p99 },
        ["breaches"] = Interlocked.Read(ref breaches),
        ["rollback_triggered"] = last is not null,
        ["last_breach"] = last is { } b ? new { report = b.Report.ToString(), applied_stage = b.Applied?.Stage, applied_version = b.Applied?.Version } : null,
        ["new_side_breaker"] = breakerState.CircuitState.ToString(),
        ["fault"] = new { failing = fault.Failing, latency_ms = fault.Latency.TotalMilliseconds },
    });
});

await app.RunAsync();

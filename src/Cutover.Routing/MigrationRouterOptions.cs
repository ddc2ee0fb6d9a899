using System.Globalization;
using Cutover.Routing.Breach;
using Polly.CircuitBreaker;

namespace Cutover.Routing;

/// <summary>How a <see cref="MigrationRouter{TKey, TValue}"/> names keys, compares shadow reads and guards the new side.</summary>
public sealed class MigrationRouterOptions<TKey, TValue>
    where TKey : notnull
{
    /// <summary>
    /// The name of the store the router wraps, as conflicts record it (<c>cutover conflicts</c>): the value type's name by
    /// default. Give the plan's entity name so <c>cutover reconcile</c> finds the table.
    /// </summary>
    public string Entity { get; set; } = typeof(TValue).Name;

    /// <summary>The key's stable text: what <see cref="StickyRouting"/> hashes and conflicts record. Default: invariant ToString.</summary>
    public Func<TKey, string> KeyText { get; set; } = static k => Convert.ToString(k, CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>Decides whether a shadow read's two answers agree. Default: <see cref="EqualityComparer{T}.Default"/>.</summary>
    public IEqualityComparer<TValue?> Comparer { get; set; } = EqualityComparer<TValue?>.Default;

    /// <summary>
    /// When set, names the fields that differ between the old and new answer (empty = they agree); it replaces
    /// <see cref="Comparer"/> and its names are recorded in the conflict.
    /// </summary>
    public Func<TValue?, TValue?, IReadOnlyList<string>>? Diff { get; set; }

    /// <summary>
    /// The sliding-window thresholds for automatic rollback; null turns the monitor off. While the routing control carries
    /// the plan's thresholds (<c>rollout: { thresholds, on_breach }</c>), those apply instead, even when this is null.
    /// </summary>
    public BreachOptions? Breach { get; set; } = new();

    /// <summary>
    /// The circuit breaker in front of the new store (Polly). While it is open the new store is not called and the call
    /// counts as a new-side failure. Null turns it off. Its <c>ShouldHandle</c> defaults to every exception but cancellation.
    /// </summary>
    public CircuitBreakerStrategyOptions? NewSideBreaker { get; set; } = new();

    /// <summary>
    /// When true, a call that goes to both stores (dual write or delete, shadow read) starts the old store's call on the
    /// thread pool (<see cref="Task.Run(Func{Task})"/>) and runs the new store's call on the caller's thread, so the two
    /// overlap even when a store's async methods complete synchronously (Microsoft.Data.Sqlite's do). It costs a thread-pool
    /// hop per dual call; with truly asynchronous stores (Npgsql) leave it off. Default: false.
    /// </summary>
    public bool OffloadCalls { get; set; }
}

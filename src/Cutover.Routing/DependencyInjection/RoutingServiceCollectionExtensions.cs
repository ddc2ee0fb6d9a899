using System.Diagnostics.Metrics;
using Cutover.Routing.Conflicts;
using Cutover.Routing.Control;
using Cutover.Routing.Outcomes;
using Cutover.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cutover.Routing.DependencyInjection;

/// <summary>Registers Cutover's dual-write router in an <see cref="IServiceCollection"/>.</summary>
public static class RoutingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MigrationRouter{TKey, TValue}"/> as itself and as <see cref="IMigrationTarget{TKey, TValue}"/>
    /// over the old and new targets the factories return. Unless already registered, it also adds: the system
    /// <see cref="TimeProvider"/>, <see cref="RoutingMetrics"/> (through <see cref="IMeterFactory"/> when there is one), an
    /// <see cref="IConflictJournal"/> (the registered <see cref="IStateStore"/>'s conflicts, else in memory), a <see cref="RoutingControlSource"/>
    /// polling the registered <see cref="IStateStore"/> and a <see cref="StateStoreRoutingControlWriter"/> on it. An
    /// <see cref="IWriteObserver"/>, when registered, is told every dual write; an <see cref="ILoggerFactory"/>, when registered, gets the
    /// router's and the control source's log.
    /// </summary>
    public static IServiceCollection AddCutoverRouting<TKey, TValue>(
        this IServiceCollection services,
        Func<IServiceProvider, IMigrationTarget<TKey, TValue>> oldTarget,
        Func<IServiceProvider, IMigrationTarget<TKey, TValue>> newTarget,
        Action<MigrationRouterOptions<TKey, TValue>>? configure = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(oldTarget);
        ArgumentNullException.ThrowIfNull(newTarget);
        var options = new MigrationRouterOptions<TKey, TValue>();
        configure?.Invoke(options);
        if (options.Breach?.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid Cutover routing options: " + string.Join(" ", errors), nameof(configure));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new RoutingMetrics(sp.GetService<IMeterFactory>()));
        // Durable in the plan's state store when there is one (cutover conflicts lists it); in memory otherwise.
        services.TryAddSingleton<IConflictJournal>(sp => sp.GetService<IStateStore>() is { } state
            ? new StateStoreConflictJournal(state, options.Entity)
            : new InMemoryConflictJournal());
        services.TryAddSingleton<IRoutingControlSource>(sp =>
        {
            var source = new RoutingControlSource(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>(),
                logger: sp.GetService<ILoggerFactory>()?.CreateLogger<RoutingControlSource>());
            source.Start();
            return source;
        });
        services.TryAddSingleton<IRoutingControlWriter>(sp => new StateStoreRoutingControlWriter(sp.GetRequiredService<IStateStore>()));
        services.TryAddSingleton(sp => new MigrationRouter<TKey, TValue>(
            oldTarget(sp),
            newTarget(sp),
            sp.GetRequiredService<IRoutingControlSource>(),
            options,
            sp.GetRequiredService<IConflictJournal>(),
            sp.GetService<IWriteObserver>(),
            sp.GetRequiredService<RoutingMetrics>(),
            sp.GetService<IRoutingControlWriter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<MigrationRouter<TKey, TValue>>()));
        services.TryAddSingleton<IMigrationTarget<TKey, TValue>>(sp => sp.GetRequiredService<MigrationRouter<TKey, TValue>>());
        return services;
    }
}

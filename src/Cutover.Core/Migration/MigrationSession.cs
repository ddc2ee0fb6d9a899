using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Plan;
using Cutover.State;
using Microsoft.Extensions.Logging;

namespace Cutover.Migration;

/// <summary>Opens a plan's stores and binds the plan to the source schema; the first step of every command.</summary>
public static class MigrationSession
{
    /// <summary>Opens the stores with a file-based state store: <paramref name="openState"/> gets the state path and whether to create it.</summary>
    public static Task<MigrationContext> OpenAsync(
        MigrationPlan plan,
        StoreRegistry registry,
        Func<string, bool, IStateStore?> openState,
        SessionMode mode,
        IMigrationObserver? observer,
        ILogger? logger,
        TimeProvider? time,
        CancellationToken ct) =>
        OpenAsync(plan, registry, (p, create, _) => Task.FromResult(openState(p.StatePath, create)), mode, observer, logger, time, ct);

    /// <summary>Opens the stores; <paramref name="openState"/> opens the plan's state (creating it when asked to), or returns null when there is none.</summary>
    public static async Task<MigrationContext> OpenAsync(
        MigrationPlan plan,
        StoreRegistry registry,
        Func<MigrationPlan, bool, CancellationToken, Task<IStateStore?>> openState,
        SessionMode mode,
        IMigrationObserver? observer,
        ILogger? logger,
        TimeProvider? time,
        CancellationToken ct)
    {
        var errors = new List<PlanError>();
        if (!registry.IsKnown(plan.Source))
        {
            errors.Add(new PlanError(plan.SourceAt, $"source '{registry.Redact(plan.Source)}' is not a store Cutover knows", "write source: sqlite:./app.db or postgres://USER:PASSWORD@HOST:PORT/DATABASE"));
        }
        if (!registry.IsKnown(plan.Target))
        {
            errors.Add(new PlanError(plan.TargetAt, $"target '{registry.Redact(plan.Target)}' is not a store Cutover knows", "write target: sqlite:./app_v2.db or postgres://USER:PASSWORD@HOST:PORT/DATABASE"));
        }
        if (errors.Count > 0)
        {
            throw PlanLoader.Invalid(errors);
        }
        var source = await registry.For(plan.Source, "source").OpenSourceAsync(plan.Source, plan.BaseDirectory, ct).ConfigureAwait(false);
        ITargetStore? target = null;
        try
        {
            target = await registry.For(plan.Target, "target").OpenTargetAsync(plan.Target, plan.BaseDirectory, mode == SessionMode.ReadOnly, ct).ConfigureAwait(false);
            if (source.Display == target.Display)
            {
                throw new CutoverException(ErrorCodes.PlanInvalid, $"{plan.TargetAt}: target is the same store as the source ({source.Display}); choose another target");
            }
            var schema = await source.InspectAsync(ct).ConfigureAwait(false);
            var (entities, bindErrors) = PlanBinder.Bind(plan, schema);
            if (bindErrors.Count > 0)
            {
                throw PlanLoader.Invalid(bindErrors);
            }
            var state = await openState(plan, mode == SessionMode.Write, ct).ConfigureAwait(false);
            observer ??= NullObserver.Instance;
            logger ??= Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
            time ??= TimeProvider.System;
            return new MigrationContext
            {
                Plan = plan,
                Entities = entities,
                Source = source,
                Target = target,
                // A state database that drops the connection is retried like a source or a target.
                State = state is null ? null : new RetryingStateStore(state, Copy.CopyResilience.Create(time, observer, logger, Copy.RetryOptions.Default)),
                Registry = registry,
                Observer = observer,
                Logger = logger,
                Time = time,
            };
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            if (target is not null)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }
}

using Cutover.Connectors;
using Cutover.Plan;
using Cutover.State;
using Microsoft.Extensions.Logging;

namespace Cutover.Migration;

/// <summary>Everything one command works with: the plan, its bound entities and the open stores.</summary>
public sealed class MigrationContext : IAsyncDisposable
{
    public required MigrationPlan Plan { get; init; }
    public required IReadOnlyList<BoundEntity> Entities { get; init; }
    public required ISourceStore Source { get; init; }
    public required ITargetStore Target { get; init; }

    /// <summary>Null only in read-only commands when no state exists yet (nothing has run).</summary>
    public IStateStore? State { get; init; }

    public required StoreRegistry Registry { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How the copy retries a dropped source or target connection before the run fails (resumable).</summary>
    public Copy.RetryOptions Retry { get; init; } = Copy.RetryOptions.Default;
    public IMigrationObserver Observer { get; init; } = NullObserver.Instance;

    /// <summary>How many pieces of the copy run at once, each on its own source and target connections (<c>--jobs</c>).</summary>
    public int Jobs { get; set; } = 1;

    /// <summary>With more than one job, tables of at least this many rows are cut into key ranges copied in parallel (<c>--split-larger-than</c>).</summary>
    public long SplitRows { get; set; } = DefaultSplitRows;

    public const long DefaultSplitRows = 500_000;

    /// <summary>About how many rows one chunk of a verification holds (<c>verify --chunk-rows</c>; docs/verification.md).</summary>
    public int ChunkRows { get; set; } = Verification.DiffOptions.DefaultChunkRows;
    public ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public string SourceDisplay => Registry.Redact(Plan.Source);
    public string TargetDisplay => Registry.Redact(Plan.Target);

    /// <summary>Where the plan's state lives, safe to print: the SQLite file's path or the redacted database URI.</summary>
    public string StateDisplay => Plan.StateIsRemote ? Registry.Redact(Plan.State!) : Plan.StatePath;

    /// <summary>The state store, or a clear error when a command needs one that does not exist yet.</summary>
    public IStateStore RequireState() => State ?? throw new Errors.CutoverException(Errors.ErrorCodes.NoRun,
        $"no state for plan '{Plan.Name}' at {StateDisplay}: nothing has been migrated yet (run: cutover migrate {Plan.FilePath})");

    public BoundEntity Entity(string name) => Entities.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new Errors.CutoverException(Errors.ErrorCodes.UsageInvalid,
            $"'{name}' is not an entity of plan '{Plan.Name}'; entities: {string.Join(", ", Entities.Select(e => e.Name))}");

    /// <summary>The same command on other connections: what one parallel copy job works with. Disposing stays with the caller.</summary>
    internal MigrationContext WithStores(ISourceStore source, ITargetStore target, IMigrationObserver observer) => new()
    {
        Plan = Plan,
        Entities = Entities,
        Source = source,
        Target = target,
        State = State,
        Registry = Registry,
        Time = Time,
        Retry = Retry,
        Observer = observer,
        Logger = Logger,
        Jobs = Jobs,
        SplitRows = SplitRows,
        ChunkRows = ChunkRows,
    };

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync().ConfigureAwait(false);
        await Target.DisposeAsync().ConfigureAwait(false);
        if (State is not null)
        {
            await State.DisposeAsync().ConfigureAwait(false);
        }
    }
}

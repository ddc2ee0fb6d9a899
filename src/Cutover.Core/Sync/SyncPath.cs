using Cutover.Capture;
using Cutover.Connectors;
using Cutover.Migration;
using Cutover.Plan;

namespace Cutover.Sync;

/// <summary>
/// One direction of sync: the capture on the store changes come from, the entities that transform them (bound against
/// that store's schema), and the store they are applied to. Forward reads the source's capture and writes the command's
/// target; reverse reads the target's capture (always triggers) and writes the source, opened for writing.
/// </summary>
public sealed class SyncPath : IAsyncDisposable
{
    private readonly ITargetStore? _ownedWriter;

    private SyncPath(SyncDirection direction, IChangeCapture capture, ITargetStore writer, IReadOnlyList<BoundEntity> entities, bool ownsWriter)
    {
        Direction = direction;
        Capture = capture;
        Writer = writer;
        Entities = entities;
        _ownedWriter = ownsWriter ? writer : null;
    }

    public SyncDirection Direction { get; }

    public IChangeCapture Capture { get; }

    public ITargetStore Writer { get; }

    public IReadOnlyList<BoundEntity> Entities { get; }

    /// <summary>What the capture records: each entity's table, with the columns the transforms read.</summary>
    public IReadOnlyList<CaptureTable> Tables => Entities.Select(e => new CaptureTable(e.Source.Name, e.SourceColumns, e.SourceKey, e.KeyIsRowid)).ToList();

    /// <summary>The capture mode the way back uses: triggers on the target, whatever the forward direction uses.</summary>
    public const CaptureMode ReverseMode = CaptureMode.Triggers;

    /// <summary>Opens the capture of <paramref name="plan"/>'s source (or, for <see cref="SyncDirection.Reverse"/>, target) without installing anything.</summary>
    public static Task<IChangeCapture> OpenCaptureAsync(MigrationContext ctx, SyncDirection direction, CancellationToken ct) =>
        OpenCaptureAsync(ctx.Registry, ctx.Plan, direction, ct);

    /// <summary>Opens the capture of one direction with only a registry (status reads lag without opening the plan's stores).</summary>
    public static Task<IChangeCapture> OpenCaptureAsync(StoreRegistry registry, MigrationPlan plan, SyncDirection direction, CancellationToken ct)
    {
        var uri = direction == SyncDirection.Forward ? plan.Source : plan.Target;
        var mode = direction == SyncDirection.Forward ? plan.Capture : ReverseMode;
        return registry.For(uri, direction.From())
            .OpenCaptureAsync(uri, plan.BaseDirectory, mode, direction == SyncDirection.Forward ? plan.Name : plan.Name + "-reverse", ct);
    }

    public static async Task<SyncPath> OpenAsync(MigrationContext ctx, SyncDirection direction, CancellationToken ct)
    {
        var capture = await OpenCaptureAsync(ctx, direction, ct).ConfigureAwait(false);
        try
        {
            if (direction == SyncDirection.Forward)
            {
                return new SyncPath(direction, capture, ctx.Target, ctx.Entities, ownsWriter: false);
            }
            var schema = await ctx.Target.InspectAsync(ct).ConfigureAwait(false);
            var entities = ReverseBinder.Bind(ctx.Plan, ctx.Entities, schema);
            var writer = await ctx.Registry.For(ctx.Plan.Source, "source").OpenTargetAsync(ctx.Plan.Source, ctx.Plan.BaseDirectory, readOnly: false, ct).ConfigureAwait(false);
            return new SyncPath(direction, capture, writer, entities, ownsWriter: true);
        }
        catch
        {
            await capture.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Capture.DisposeAsync().ConfigureAwait(false);
        if (_ownedWriter is not null)
        {
            await _ownedWriter.DisposeAsync().ConfigureAwait(false);
        }
    }
}

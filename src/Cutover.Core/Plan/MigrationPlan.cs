namespace Cutover.Plan;

/// <summary>
/// A parsed plan file. Parsing checks the plan's own shape; binding it to the source schema
/// (<see cref="PlanBinder"/>) checks tables and columns.
/// </summary>
public sealed record MigrationPlan
{
    public required string Name { get; init; }
    public required string FilePath { get; init; }
    public required string Source { get; init; }
    public required string Target { get; init; }
    public string? State { get; init; }
    public int BatchSize { get; init; } = 5000;
    public OnErrorPolicy OnError { get; init; } = OnErrorPolicy.Stop;
    public IfExistsPolicy IfExists { get; init; } = IfExistsPolicy.Fail;
    public VerifyMode Verify { get; init; } = VerifyMode.Checksums;

    /// <summary>Which backups a run takes: source and target (default), the target only, or none.</summary>
    public BackupPolicy Backup { get; init; } = BackupPolicy.All;
    public IReadOnlyList<EntityPlan> Entities { get; init; } = [];

    /// <summary>The <c>types:</c> block: how dates, JSON and booleans stored in SQLite are read.</summary>
    public TypesPlan Types { get; init; } = TypesPlan.Default;
    public IReadOnlyList<CheckPlan> Checks { get; init; } = [];

    /// <summary>The top-level <c>normalize:</c> rules: for every entity whose target has the column (<c>*</c>: every column).</summary>
    public IReadOnlyList<NormalizeRule> Normalize { get; init; } = [];

    /// <summary>How writes on the source are captured during the copy (<c>capture:</c>); <see cref="Capture.CaptureMode.None"/> for offline migrations.</summary>
    public Capture.CaptureMode Capture { get; init; } = global::Cutover.Capture.CaptureMode.None;

    /// <summary>The <c>cutover:</c> block: lag limits and the check made while writes are frozen.</summary>
    public CutoverOptions Cutover { get; init; } = CutoverOptions.Default;

    /// <summary>The <c>throttle:</c> block: how copy and sync slow down for a busy target.</summary>
    public ThrottleOptions Throttle { get; init; } = ThrottleOptions.None;

    /// <summary>The <c>rollout:</c> block (dual writes, issue 6), or null when the plan has none.</summary>
    public RolloutPlan? Rollout { get; init; }

    /// <summary>The plan's <c>reconcile:</c> strategy for dual-write conflicts, or null: a partial write goes to the side that took it, a shadow mismatch to the side that leads.</summary>
    public ReconcileStrategy? Reconcile { get; init; }
    public PlanLocation SourceAt { get; init; }
    public PlanLocation TargetAt { get; init; }

    /// <summary>SHA-256 of the file's bytes; recorded with each run.</summary>
    public string Hash { get; init; } = "";

    /// <summary>Folder relative paths in the plan are resolved against.</summary>
    public string BaseDirectory => Path.GetDirectoryName(Path.GetFullPath(FilePath))!;

    /// <summary>Where <c>state:</c> is in the plan file (for errors about it).</summary>
    public PlanLocation StateAt { get; init; }

    /// <summary>True when <see cref="State"/> is a <c>postgres://</c> (or <c>postgresql://</c>) URI: the state lives in a database.</summary>
    public bool StateIsRemote => State is not null && IsRemoteState(State);

    public static bool IsRemoteState(string state) =>
        state.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || state.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The SQLite state database: <c>.cutover/NAME/state.db</c> beside the plan unless <see cref="State"/> (<c>sqlite:PATH</c>) says
    /// otherwise. Not defined when the state is remote (<see cref="StateIsRemote"/>).
    /// </summary>
    public string StatePath => State is null
        ? Path.Combine(DefaultStateDirectory, "state.db")
        : StateIsRemote
            ? throw new InvalidOperationException($"plan '{Name}' keeps its state in a database, not a file")
            : Path.GetFullPath(Path.Combine(BaseDirectory, State.StartsWith("sqlite:", StringComparison.Ordinal) ? State[7..] : State));

    /// <summary>
    /// The folder holding the lock, backups, reports and the log, and the SQLite state database: the state file's folder,
    /// or <c>.cutover/NAME</c> beside the plan when the state is remote.
    /// </summary>
    public string StateDirectory => StateIsRemote ? DefaultStateDirectory : Path.GetDirectoryName(StatePath)!;

    private string DefaultStateDirectory => Path.Combine(BaseDirectory, ".cutover", Name);

    public EntityPlan? FindEntity(string name) => Entities.FirstOrDefault(e => e.Name == name)
        ?? Entities.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
}

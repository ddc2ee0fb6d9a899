using Cutover.State;

namespace Cutover.Testing.Fakes;

/// <summary>
/// A base for test doubles of <see cref="IStateStore"/> that need only a few of its members: every member throws
/// <see cref="NotSupportedException"/> naming itself until a subclass overrides it, so a test that reaches a member
/// its fake does not support fails saying which. Unit tests of pure logic only; connectors are tested on real stores.
/// </summary>
public abstract class StateStoreFake : IStateStore
{
    public virtual string Display => "fake";

    private static NotSupportedException Unsupported(string member) => new($"this test's state store fake does not support {member}");

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    public virtual Task<RunRecord?> LatestRunAsync(CancellationToken ct) => throw Unsupported(nameof(LatestRunAsync));

    public virtual Task<RunRecord> StartRunAsync(string planName, string planHash, CancellationToken ct) => throw Unsupported(nameof(StartRunAsync));

    public virtual Task UpdateRunAsync(RunRecord run, CancellationToken ct) => throw Unsupported(nameof(UpdateRunAsync));

    public virtual Task<IReadOnlyList<EntityProgress>> ProgressAsync(string runId, CancellationToken ct) => throw Unsupported(nameof(ProgressAsync));

    public virtual Task SaveProgressAsync(EntityProgress progress, CancellationToken ct) => throw Unsupported(nameof(SaveProgressAsync));

    public virtual Task RecordFailuresAsync(IReadOnlyList<FailureRecord> failures, CancellationToken ct) => throw Unsupported(nameof(RecordFailuresAsync));

    public virtual Task<IReadOnlyList<FailureRecord>> FailuresAsync(string? entity, bool unresolvedOnly, CancellationToken ct) =>
        throw Unsupported(nameof(FailuresAsync));

    public virtual Task ResolveFailureAsync(long id, CancellationToken ct) => throw Unsupported(nameof(ResolveFailureAsync));

    public virtual Task<Dictionary<object, string>> LookupIdsAsync(string entity, IReadOnlyCollection<object> oldKeys, CancellationToken ct) =>
        throw Unsupported(nameof(LookupIdsAsync));

    public virtual Task AddIdsAsync(string entity, IReadOnlyList<KeyValuePair<object, string>> pairs, CancellationToken ct) => throw Unsupported(nameof(AddIdsAsync));

    public virtual Task<long> CountIdsAsync(string entity, CancellationToken ct) => throw Unsupported(nameof(CountIdsAsync));

    public virtual IAsyncEnumerable<KeyValuePair<object, string>> ListIdsAsync(string entity, object? oldKey, CancellationToken ct) =>
        throw Unsupported(nameof(ListIdsAsync));

    public virtual Task<string?> GetValueAsync(string key, CancellationToken ct) => throw Unsupported(nameof(GetValueAsync));

    public virtual Task SetValueAsync(string key, string? value, CancellationToken ct) => throw Unsupported(nameof(SetValueAsync));

    public virtual Task AddBackupAsync(BackupRecord backup, CancellationToken ct) => throw Unsupported(nameof(AddBackupAsync));

    public virtual Task<IReadOnlyList<BackupRecord>> BackupsAsync(CancellationToken ct) => throw Unsupported(nameof(BackupsAsync));

    public virtual Task MarkBackupVerifiedAsync(string id, DateTimeOffset at, CancellationToken ct) => throw Unsupported(nameof(MarkBackupVerifiedAsync));

    public virtual Task AuditAsync(string action, string detail, CancellationToken ct) => throw Unsupported(nameof(AuditAsync));

    public virtual Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct) => throw Unsupported(nameof(AuditLogAsync));

    public virtual Task<long> RecordConflictAsync(ConflictRecord conflict, CancellationToken ct) => throw Unsupported(nameof(RecordConflictAsync));

    public virtual Task<IReadOnlyList<ConflictRecord>> ConflictsAsync(bool unresolvedOnly, CancellationToken ct) => throw Unsupported(nameof(ConflictsAsync));

    public virtual Task ResolveConflictAsync(long id, string resolution, CancellationToken ct) => throw Unsupported(nameof(ResolveConflictAsync));
}

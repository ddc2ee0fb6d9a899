using Cutover.State;

namespace Cutover.Migration;

/// <summary>What a person (or a log) sees while a migration runs. The CLI draws progress bars or prints plain lines.</summary>
public interface IMigrationObserver
{
    void Phase(string phase, string detail);

    void EntityStarted(string entity, long total, long done);

    /// <summary>Cumulative rows done for <paramref name="entity"/>.</summary>
    void Progress(string entity, long done);

    void EntityFinished(EntityProgress progress);

    void Info(string message);

    void Warn(string message);
}

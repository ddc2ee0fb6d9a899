using Cutover.State;

namespace Cutover.Migration;

/// <summary>An observer that shows nothing (library use, tests).</summary>
public sealed class NullObserver : IMigrationObserver
{
    public static readonly NullObserver Instance = new();

    public void Phase(string phase, string detail)
    {
    }

    public void EntityStarted(string entity, long total, long done)
    {
    }

    public void Progress(string entity, long done)
    {
    }

    public void EntityFinished(EntityProgress progress)
    {
    }

    public void Info(string message)
    {
    }

    public void Warn(string message)
    {
    }
}

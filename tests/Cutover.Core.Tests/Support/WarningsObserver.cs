using Cutover.Migration;
using Cutover.State;

namespace Cutover.Core.Tests.Support;

/// <summary>An observer that keeps the warnings (retry messages, for example) and ignores the rest.</summary>
internal sealed class WarningsObserver : IMigrationObserver
{
    public List<string> Warnings { get; } = [];

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

    public void Warn(string message) => Warnings.Add(message);
}

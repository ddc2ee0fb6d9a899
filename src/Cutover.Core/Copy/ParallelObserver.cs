using Cutover.Migration;
using Cutover.State;

namespace Cutover.Copy;

/// <summary>
/// The run's observer as the copy jobs share it: calls come from several jobs at once, so each is passed on under one lock;
/// and a split entity's key ranges are shown as the entity itself, one bar whose rows are the sum of its ranges'.
/// </summary>
internal sealed class ParallelObserver(IMigrationObserver inner) : IMigrationObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _rangeOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _done = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);

    /// <summary>Shows <paramref name="ranges"/> of <paramref name="entity"/> (<paramref name="total"/> rows) as the entity.</summary>
    public void Split(string entity, long total, IEnumerable<EntityProgress> ranges)
    {
        lock (_gate)
        {
            _totals[entity] = total;
            foreach (var r in ranges)
            {
                _rangeOf[r.Entity] = entity;
                _done[r.Entity] = r.Read;
            }
        }
    }

    public void Phase(string phase, string detail)
    {
        lock (_gate)
        {
            inner.Phase(phase, detail);
        }
    }

    public void EntityStarted(string entity, long total, long done)
    {
        lock (_gate)
        {
            if (!_rangeOf.TryGetValue(entity, out var owner))
            {
                inner.EntityStarted(entity, total, done);
                return;
            }
            _done[entity] = done;
            if (_started.Add(owner))
            {
                inner.EntityStarted(owner, _totals[owner], Sum(owner));
            }
        }
    }

    public void Progress(string entity, long done)
    {
        lock (_gate)
        {
            if (!_rangeOf.TryGetValue(entity, out var owner))
            {
                inner.Progress(entity, done);
                return;
            }
            _done[entity] = done;
            inner.Progress(owner, Sum(owner));
        }
    }

    /// <summary>A range's end is not shown: the entity is finished once all its ranges are (the copy reports that).</summary>
    public void EntityFinished(EntityProgress progress)
    {
        lock (_gate)
        {
            if (!_rangeOf.ContainsKey(progress.Entity))
            {
                inner.EntityFinished(progress);
            }
        }
    }

    public void Info(string message)
    {
        lock (_gate)
        {
            inner.Info(message);
        }
    }

    public void Warn(string message)
    {
        lock (_gate)
        {
            inner.Warn(message);
        }
    }

    private long Sum(string owner) => _rangeOf.Where(p => p.Value == owner).Sum(p => _done[p.Key]);
}

namespace Cutover.Schema;

/// <summary>
/// Orders tables so parents come before the tables that reference them. Self-references are ignored
/// (they cannot be ordered away); a cycle is broken at the table with the fewest unmet parents, and reported.
/// </summary>
public static class DependencyOrder
{
    public static (IReadOnlyList<TableSchema> Order, IReadOnlyList<string> Cycles) Sort(IReadOnlyList<TableSchema> tables)
    {
        var byName = tables.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        var parents = tables.ToDictionary(
            t => t.Name,
            t => t.ForeignKeys.Select(f => f.RefTable).Where(p => byName.ContainsKey(p) && !string.Equals(p, t.Name, StringComparison.OrdinalIgnoreCase))
                .Select(p => byName[p].Name).ToHashSet(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var order = new List<TableSchema>();
        var cycles = new List<string>();
        while (order.Count < tables.Count)
        {
            // Among ready tables keep the source's own order, so output is stable.
            var ready = tables.Where(t => !done.Contains(t.Name) && parents[t.Name].All(done.Contains)).ToList();
            if (ready.Count == 0)
            {
                var pick = tables.Where(t => !done.Contains(t.Name)).OrderBy(t => parents[t.Name].Count(p => !done.Contains(p))).First();
                var unmet = parents[pick.Name].Where(p => !done.Contains(p)).ToList();
                cycles.Add($"{pick.Name} references {string.Join(", ", unmet)}, which reference it back; {pick.Name} goes first");
                ready = [pick];
            }
            foreach (var t in ready)
            {
                done.Add(t.Name);
                order.Add(t);
            }
        }
        return (order, cycles);
    }
}

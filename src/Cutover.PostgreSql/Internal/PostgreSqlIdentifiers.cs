using System.Text;

namespace Cutover.PostgreSql.Internal;

/// <summary>
/// PostgreSQL keeps only the first 63 bytes (NAMEDATALEN - 1) of an identifier, cut at a character
/// boundary, and says nothing. These rules turn that into errors that name the identifier and the plan
/// field that renames it, all problems at once.
/// </summary>
internal static class PostgreSqlIdentifiers
{
    public const int MaxBytes = 63;

    /// <summary>The name PostgreSQL would actually store.</summary>
    public static string Truncate(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxBytes)
        {
            return name;
        }
        var bytes = 0;
        var sb = new StringBuilder();
        // Cut at a code point boundary, as PostgreSQL does (pg_mbcliplen); never inside a UTF-8 sequence.
        foreach (var rune in name.EnumerateRunes())
        {
            var n = rune.Utf8SequenceLength;
            if (bytes + n > MaxBytes)
            {
                break;
            }
            sb.Append(rune.ToString());
            bytes += n;
        }
        return sb.ToString();
    }

    /// <summary>Every problem with <paramref name="identifiers"/>; empty when PostgreSQL will store them as given.</summary>
    public static IReadOnlyList<string> Validate(IEnumerable<TargetIdentifier> identifiers)
    {
        var problems = new List<string>();
        var all = identifiers.ToList();
        foreach (var id in all)
        {
            var length = Encoding.UTF8.GetByteCount(id.Name);
            if (length > MaxBytes)
            {
                problems.Add($"{Describe(id)} is {length} bytes in UTF-8; PostgreSQL keeps {MaxBytes} and would call it \"{Truncate(id.Name)}\"; {Fix(id)}");
            }
        }

        // Tables and indexes share the schema's namespace; columns are per table.
        var groups = all.GroupBy(id => id.Kind == IdentifierKind.Column ? "column:" + id.Table : "relation");
        foreach (var group in groups)
        {
            foreach (var clash in group.GroupBy(id => Truncate(id.Name), StringComparer.Ordinal).Where(g => g.Select(i => i.Name).Distinct(StringComparer.Ordinal).Count() > 1))
            {
                var names = clash.DistinctBy(i => i.Name).ToList();
                problems.Add($"{string.Join(" and ", names.Select(Describe))} would all be \"{clash.Key}\" after PostgreSQL cuts them to {MaxBytes} bytes; {Fix(names.First(n => n.Name != clash.Key))}");
            }
        }
        return problems;
    }

    private static string Describe(TargetIdentifier id) => id.Kind switch
    {
        IdentifierKind.Table => $"table \"{id.Name}\"",
        IdentifierKind.Column => $"column \"{id.Name}\" of \"{id.Table}\"",
        _ => $"index \"{id.Name}\" on \"{id.Table}\"",
    };

    private static string Fix(TargetIdentifier id) => id.Kind switch
    {
        IdentifierKind.Table => $"give it a shorter name with the entity's to: field (entities: - table: {id.SourceName ?? id.Name} to: SHORTER_NAME)",
        IdentifierKind.Column => $"rename it in the plan: columns: {{ {id.SourceName ?? id.Name}: {{ rename: SHORTER_NAME }} }}",
        _ => "indexes keep their source names and the plan has no index field yet; rename the index in the source",
    };
}

using Cutover.PostgreSql.Internal;

namespace Cutover.PostgreSql.Capture;

/// <summary>
/// A table as <c>_cutover.tables</c> records it: its number <see cref="N"/> (its changelog is <c>_cutover.log_N</c>), its
/// name in <see cref="Schema"/>, the columns row images carry (their real names, in the plan's order) and its key.
/// </summary>
internal sealed record CapturedTable(int N, string Schema, string Name, IReadOnlyList<string> Columns, IReadOnlyList<string> Key)
{
    /// <summary>The table, schema-qualified and quoted.</summary>
    public string Qualified => PgSql.Quote(Schema) + "." + PgSql.Quote(Name);

    /// <summary>The changelog, schema-qualified and quoted.</summary>
    public string Log => CaptureSql.Schema + ".log_" + N;

    /// <summary>Positions of the key columns in <see cref="Columns"/>.</summary>
    public int[] KeyIndex => Key.Select(k => Columns.ToList().IndexOf(k)).ToArray();
}

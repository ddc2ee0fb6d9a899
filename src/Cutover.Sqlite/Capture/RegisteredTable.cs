namespace Cutover.Sqlite.Capture;

/// <summary>A row of <c>_cutover_tables</c>: table <see cref="N"/>, its image columns, and whether its changelog exists yet.</summary>
internal sealed record RegisteredTable(int N, string Name, IReadOnlyList<string> Columns, bool HasLog);

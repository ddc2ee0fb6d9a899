using System.Text.RegularExpressions;
using Cutover.Sqlite.Internal;

namespace Cutover.Sqlite.Capture;

/// <summary>
/// The SQL of what capture installs (docs/capture.md): the control row, the table registry, and per table <c>n</c> a changelog
/// <c>_cutover_log_n</c>, three freeze triggers and three capture triggers. Trigger bodies are stored in the database and
/// parsed by the application's own SQLite too, so they use only long-standing SQL (no RETURNING, no expression in RAISE).
/// </summary>
internal static partial class SqliteCaptureSchema
{
    public const string Control = "_cutover_control";
    public const string Tables = "_cutover_tables";

    /// <summary>The changelog's own columns, ahead of the row image.</summary>
    public const int ImageOffset = 4;

    public static readonly IReadOnlyList<string> LogColumns = ["_cutover_seq", "_cutover_tx", "_cutover_op", "_cutover_at"];

    private static readonly string[] Ops = ["i", "u", "d"];

    public static string Log(int n) => $"_cutover_log_{n}";

    public static IEnumerable<string> FreezeTriggers(int n) => Ops.Select(op => $"_cutover_freeze_{n}_{op}");

    public static IEnumerable<string> CaptureTriggers(int n) => Ops.Select(op => $"_cutover_capture_{n}_{op}");

    /// <summary>True for the names of objects capture installs (and only those: a user's own <c>_cutover_notes</c> is not ours).</summary>
    public static bool IsOurs(string name) => OurName().IsMatch(name);

    [GeneratedRegex(@"^_cutover_(control|tables|log_\d+|(freeze|capture)_\d+_[iud])$", RegexOptions.IgnoreCase)]
    private static partial Regex OurName();

    /// <summary>
    /// <c>epoch</c> is the <c>_cutover_tx</c> of new changes (sync advances it as it reads); <c>seq</c> the last
    /// <c>_cutover_seq</c> handed out; <c>applying</c> is only ever 1 inside Cutover's own uncommitted apply transaction.
    /// </summary>
    public static readonly IReadOnlyList<string> CreateControl =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {Q(Control)} (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          frozen INTEGER NOT NULL DEFAULT 0,
          applying INTEGER NOT NULL DEFAULT 0,
          epoch INTEGER NOT NULL DEFAULT 1,
          seq INTEGER NOT NULL DEFAULT 0,
          message TEXT,
          plan TEXT)
        """,
        $"INSERT OR IGNORE INTO {Q(Control)} (id) VALUES (1)",
        $"CREATE TABLE IF NOT EXISTS {Q(Tables)} (n INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, columns TEXT NOT NULL)",
    ];

    /// <summary>A changelog: its own columns, then one per image column declared with the source column's type.</summary>
    public static string CreateLog(int n, IReadOnlyList<ImageColumn> image) =>
        $"CREATE TABLE IF NOT EXISTS {Q(Log(n))} (_cutover_seq INTEGER PRIMARY KEY, _cutover_tx INTEGER NOT NULL, "
        + "_cutover_op TEXT NOT NULL, _cutover_at INTEGER NOT NULL"
        + string.Concat(image.Select(c => ", " + Q(c.Name) + (c.DeclaredType.Length > 0 ? " " + c.DeclaredType : "")))
        + ")";

    /// <summary>What an application's write to a frozen table fails with. RAISE takes a literal, so it is baked into the trigger.</summary>
    public static string FreezeMessage(string table, string plan, string? message) =>
        string.IsNullOrWhiteSpace(message)
            ? $"WRITES_FROZEN: writes to {table} are frozen by Cutover for the cut-over of plan '{plan}'; see cutover status"
            : message.StartsWith("WRITES_FROZEN", StringComparison.Ordinal) ? message : "WRITES_FROZEN: " + message;

    public static IEnumerable<string> CreateFreezeTriggers(int n, string table, string message)
    {
        var events = new[] { "INSERT", "UPDATE", "DELETE" };
        var names = FreezeTriggers(n).ToArray();
        for (var i = 0; i < 3; i++)
        {
            yield return $"CREATE TRIGGER IF NOT EXISTS {Q(names[i])} BEFORE {events[i]} ON {Q(table)} "
                + $"WHEN EXISTS (SELECT 1 FROM {Q(Control)} WHERE id = 1 AND frozen = 1 AND applying = 0) "
                + $"BEGIN SELECT RAISE(ABORT, {SqliteSql.Literal(message)}); END";
        }
    }

    /// <summary>
    /// The AFTER triggers. Each change takes the next <c>seq</c> from the control row (one writer at a time, so seq order is
    /// commit order) and the current <c>epoch</c>. An update that changes the key (by value or by storage class) records a
    /// delete of the old row, then an insert of the new one.
    /// </summary>
    public static IEnumerable<string> CreateCaptureTriggers(int n, string table, IReadOnlyList<ImageColumn> image, IReadOnlyList<ImageColumn> key)
    {
        var names = CaptureTriggers(n).ToArray();
        var skipApplied = $"WHEN (SELECT applying FROM {Q(Control)} WHERE id = 1) = 0";
        var keyChanged = key.Count == 0
            ? "0"
            : string.Join(" OR ", key.Select(k => $"({k.Source("OLD")} IS NOT {k.Source("NEW")} COLLATE BINARY OR typeof({k.Source("OLD")}) <> typeof({k.Source("NEW")}))"));
        yield return $"CREATE TRIGGER IF NOT EXISTS {Q(names[0])} AFTER INSERT ON {Q(table)} {skipApplied} BEGIN "
            + Record(n, image, "'I'", "NEW", "1") + " END";
        yield return $"CREATE TRIGGER IF NOT EXISTS {Q(names[1])} AFTER UPDATE ON {Q(table)} {skipApplied} BEGIN "
            + Record(n, image, "'D'", "OLD", $"({keyChanged})") + " "
            + Record(n, image, $"CASE WHEN ({keyChanged}) THEN 'I' ELSE 'U' END", "NEW", "1") + " END";
        yield return $"CREATE TRIGGER IF NOT EXISTS {Q(names[2])} AFTER DELETE ON {Q(table)} {skipApplied} BEGIN "
            + Record(n, image, "'D'", "OLD", "1") + " END";
    }

    private static string Record(int n, IReadOnlyList<ImageColumn> image, string op, string row, string when)
    {
        var now = "CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)";
        var columns = string.Join(", ", LogColumns.Concat(image.Select(c => Q(c.Name))));
        var values = string.Join(", ", image.Select(c => c.Source(row)));
        return $"UPDATE {Q(Control)} SET seq = seq + 1 WHERE id = 1 AND {when}; "
            + $"INSERT INTO {Q(Log(n))} ({columns}) SELECT seq, epoch, {op}, {now}, {values} FROM {Q(Control)} WHERE id = 1 AND {when};";
    }

    private static string Q(string identifier) => SqliteSql.Quote(identifier);
}

/// <summary>
/// One column of a row image: <see cref="Name"/> in the changelog (as the plan names it), the source column it copies
/// (<see cref="SourceColumn"/>, null for SQLite's implicit rowid) and the source column's declared type.
/// </summary>
internal sealed record ImageColumn(string Name, string? SourceColumn, string DeclaredType)
{
    /// <summary>The value in a trigger: <c>NEW."c"</c>, <c>OLD.rowid</c>.</summary>
    public string Source(string row) => SourceColumn is null ? row + ".rowid" : row + "." + SqliteSql.Quote(SourceColumn);
}

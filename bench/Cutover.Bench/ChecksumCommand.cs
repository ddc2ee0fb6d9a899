using System.Diagnostics;
using System.Globalization;
using Cutover.Connectors;
using Cutover.PostgreSql;
using Cutover.Sqlite;
using Cutover.Verification;

namespace Cutover.Bench;

/// <summary>
/// <c>checksum --source URI --table T [--repeat N] [--ranges N]</c>: rows per second of <see cref="ISourceStore.ChecksumAsync"/>
/// against the default way (every row read through ReadAsync, then hashed), on one table, and proof that both agree.
/// </summary>
internal static class ChecksumCommand
{
    public const string Usage = """
        usage: Cutover.Bench checksum --source URI --table T [--repeat N] [--ranges N] [--only fast|default]

          --source URI  sqlite:PATH or postgres://...
          --table T     the table to checksum (its primary key is the key; rowid when it has none)
          --repeat N    runs of each way (default 3); the best is reported
          --ranges N    cut the table into N key ranges, as the chunked diff does (default 1)
          --only WAY    run only one way
        """;

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options, TextWriter stdout)
    {
        var uri = options["--source"];
        var tableName = options["--table"];
        var repeat = int.Parse(options.GetValueOrDefault("--repeat", "3"), CultureInfo.InvariantCulture);
        var ranges = int.Parse(options.GetValueOrDefault("--ranges", "1"), CultureInfo.InvariantCulture);
        var only = options.GetValueOrDefault("--only");
        IStoreProvider provider = uri.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? new SqliteStoreProvider() : new PostgreSqlStoreProvider();
        await using var store = await provider.OpenSourceAsync(uri, ".", CancellationToken.None);
        var schema = await store.InspectAsync(CancellationToken.None);
        var table = schema.FindTable(tableName) ?? throw new ArgumentException($"no table {tableName}");
        var rowid = table.PrimaryKey.Count == 0;
        IReadOnlyList<string> key = rowid ? ["rowid"] : table.PrimaryKey;
        var columns = (rowid ? ["rowid"] : Array.Empty<string>()).Concat(table.Columns.Select(c => c.Name)).ToList();
        var rows = await store.CountAsync(table.Name, CancellationToken.None);
        var bounds = new List<object?[]?> { null };
        for (var i = 1; i < ranges; i++)
        {
            bounds.Add(await store.KeyAtAsync(table.Name, key, rowid, rows * i / ranges - 1, false, CancellationToken.None));
        }
        bounds.Add(null);
        var requests = Enumerable.Range(0, ranges)
            .Select(i => new ReadRequest(table.Name, columns, key, rowid, After: bounds[i], Until: bounds[i + 1])).ToList();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store.Display} {table.Name}: {rows:N0} rows, {columns.Count} columns, {ranges} range(s)"));

        async Task<TableChecksum> Fast(ReadRequest r) => await store.ChecksumAsync(r, CancellationToken.None);
        async Task<TableChecksum> Default(ReadRequest r) => await TableChecksum.OfRowsAsync(store.ReadAsync(r, CancellationToken.None), CancellationToken.None);
        var results = new Dictionary<string, string>();
        foreach (var (name, way) in new (string, Func<ReadRequest, Task<TableChecksum>>)[] { ("fast", Fast), ("default", Default) })
        {
            if (only is not null && only != name)
            {
                continue;
            }
            var best = double.MaxValue;
            TableChecksum? sum = null;
            for (var run = 0; run < repeat; run++)
            {
                var clock = Stopwatch.StartNew();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                sum = new TableChecksum();
                foreach (var r in requests)
                {
                    sum.Add(await way(r));
                }
                var seconds = clock.Elapsed.TotalSeconds;
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                best = Math.Min(best, seconds);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-8} run {run + 1}: {seconds,7:F3} s  {sum.Count / seconds,12:N0} rows/s  (client CPU {cpuSeconds:F2} s)  {sum.Hex} count {sum.Count:N0}"));
            }
            results[name] = $"{sum!.Hex}/{sum.Count}";
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-8} best:  {best,7:F3} s  {sum.Count / best,12:N0} rows/s"));
        }
        if (results.Count == 2 && results["fast"] != results["default"])
        {
            stdout.WriteLine("  MISMATCH between fast and default");
            return 1;
        }
        return 0;
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cutover.Routing;
using Cutover.Routing.Control;
using Cutover.State;

namespace Cutover.Bench.DualWrite;

/// <summary>
/// <c>dual-write --engine postgres|sqlite</c>: per-call latency of one write to the old store, one to the new store,
/// Cutover's dual write through <see cref="MigrationRouter{TKey, TValue}"/>, and the Scientist-style sequential dual
/// write, over the same two real stores, in interleaved rounds in one process; one JSON object on stdout.
/// </summary>
internal static class DualWriteCommand
{
    public const string Usage = """
        usage: Cutover.Bench dual-write --engine postgres|sqlite [--writes N] [--warmup N] [--keys N]
                                        [--concurrency N] [--round N] [--dir DIR] [--synchronous normal|full]

          --engine E        postgres: two databases (dualbench_old, dualbench_new) on the server named by the
                            environment variable CUTOVER_BENCH_PG (an Npgsql connection string whose database
                            may create databases), or, when CUTOVER_BENCH_PG_NEW names a second server the same
                            way, dualbench_old on the first and dualbench_new on the second; sqlite: two WAL
                            files in --dir
          --writes N        measured writes per scenario (default 5000)
          --warmup N        writes per scenario before measuring, not recorded (default 500)
          --keys N          distinct session ids, upserted round robin (default 1000; all exist before warm-up)
          --concurrency N   callers writing at once (default 1)
          --round N         writes per scenario per round; scenarios take turns, rotated every round (default 100)
          --dir DIR         where the SQLite files go (default bench/out/dual-write)
          --synchronous S   SQLite's synchronous setting: normal (default; a commit does not wait for the disk)
                            or full (every commit syncs the WAL to disk)
        """;

    private sealed record Scenario(string Name, string What, Func<string, string, ValueTask> Write)
    {
        public Latencies Recorded { get; set; } = new(0);

        /// <summary>This process's CPU time (all threads) while the scenario's rounds ran.</summary>
        public TimeSpan ClientCpu { get; set; }
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var o = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is "-h" or "--help")
            {
                stdout.WriteLine(Usage);
                return 0;
            }
            if (i + 1 >= args.Length)
            {
                stderr.WriteLine($"option '{args[i]}' needs a value");
                return 2;
            }
            o[args[i]] = args[++i];
        }
        var problems = new List<string>();
        int Int(string name, int fallback)
        {
            if (!o.TryGetValue(name, out var text))
            {
                return fallback;
            }
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0)
            {
                return v;
            }
            problems.Add($"{name} must be a positive integer, got '{text}'");
            return fallback;
        }
        var engine = o.GetValueOrDefault("--engine", "");
        var settings = new Settings(engine, Int("--writes", 5000), Int("--warmup", 500), Int("--keys", 1000),
            Int("--concurrency", 1), Int("--round", 100), o.GetValueOrDefault("--dir", Path.Combine("bench", "out", "dual-write")),
            o.GetValueOrDefault("--synchronous", "normal").ToUpperInvariant());
        if (settings.Synchronous is not ("NORMAL" or "FULL"))
        {
            problems.Add($"--synchronous must be normal or full, got '{o["--synchronous"]}'");
        }
        if (engine is not ("postgres" or "sqlite"))
        {
            problems.Add($"--engine must be postgres or sqlite, got '{engine}'");
        }
        var pg = Environment.GetEnvironmentVariable("CUTOVER_BENCH_PG");
        if (engine == "postgres" && string.IsNullOrEmpty(pg))
        {
            problems.Add("--engine postgres needs CUTOVER_BENCH_PG: an Npgsql connection string (Host=...;Port=...;Username=...;Password=...;Database=...)");
        }
        foreach (var k in o.Keys.Except(["--engine", "--writes", "--warmup", "--keys", "--concurrency", "--round", "--dir", "--synchronous"]))
        {
            problems.Add($"unknown option '{k}'");
        }
        if (problems.Count > 0)
        {
            problems.ForEach(stderr.WriteLine);
            stderr.WriteLine(Usage);
            return 2;
        }
        // Connection strings come from the environment so that no command line holds a password.
        var pgNew = Environment.GetEnvironmentVariable("CUTOVER_BENCH_PG_NEW");
        return RunAsync(settings, pg, string.IsNullOrEmpty(pgNew) ? null : pgNew, stdout, stderr).GetAwaiter().GetResult();
    }

    private sealed record Settings(string Engine, int Writes, int Warmup, int Keys, int Concurrency, int Round, string Dir, string Synchronous);

    private static async Task<int> RunAsync(Settings s, string? pg, string? pgNew, TextWriter stdout, TextWriter stderr)
    {
        IMigrationTarget<string, string> oldStore, newStore;
        Func<Task<(long Old, long New)>> counts;
        Func<Task> cleanup;
        string storeText;
        (string Old, string New)? pgSettings = null;
        if (s.Engine == "postgres")
        {
            var newServer = pgNew ?? pg!;
            var o = await PostgresSessionStore.CreateAsync(pg!, "dualbench_old", s.Concurrency);
            var n = await PostgresSessionStore.CreateAsync(newServer, "dualbench_new", s.Concurrency);
            (oldStore, newStore) = (o, n);
            pgSettings = (await o.DurabilityAsync(), await n.DurabilityAsync());
            counts = async () => (await o.CountAsync(), await n.CountAsync());
            cleanup = async () =>
            {
                await o.DisposeAsync();
                await n.DisposeAsync();
                await PostgresSessionStore.DropAsync(pg!, "dualbench_old");
                await PostgresSessionStore.DropAsync(newServer, "dualbench_new");
            };
            storeText = (pgNew is null ? "two databases on one PostgreSQL server" : "one database on each of two PostgreSQL servers (CUTOVER_BENCH_PG old, CUTOVER_BENCH_PG_NEW new)")
                + "; each write one upsert on its own pooled connection (NpgsqlDataSource, Npgsql async)";
        }
        else
        {
            Directory.CreateDirectory(s.Dir);
            var o = SqliteSessionStore.Create(Path.Combine(s.Dir, "old.db"), s.Synchronous);
            var n = SqliteSessionStore.Create(Path.Combine(s.Dir, "new.db"), s.Synchronous);
            (oldStore, newStore) = (o, n);
            counts = () => Task.FromResult((o.Count(), n.Count()));
            cleanup = () => Task.CompletedTask;
            storeText = $"two SQLite files (WAL, synchronous={s.Synchronous}); each write one upsert on a pooled Microsoft.Data.Sqlite connection (its async methods complete synchronously)";
        }

        // Routers with the defaults a user gets: breach monitor and Polly breaker on the new side, private meter, in-memory journal.
        MigrationRouter<string, string> NewRouter(string stage, bool offload) => new(
            oldStore, newStore,
            new InMemoryRoutingControl(new RoutingControl(stage, RoutingControl.LeadOld, 0, 100, 1, DateTimeOffset.UtcNow, null)),
            new MigrationRouterOptions<string, string> { KeyText = static k => k, OffloadCalls = offload });
        var legacy = NewRouter(RoutingControl.Legacy, false);
        var dual = NewRouter(RoutingControl.DualWrite, false);
        var dualOffload = NewRouter(RoutingControl.DualWrite, true);
        var sequential = new SequentialDualWrite(oldStore, newStore);
        var none = CancellationToken.None;
        var scenarios = new List<Scenario>
        {
            new("old", "the old store's WriteAsync, called directly", (k, v) => oldStore.WriteAsync(k, v, none)),
            new("new", "the new store's WriteAsync, called directly", (k, v) => newStore.WriteAsync(k, v, none)),
            new("router_legacy", "MigrationRouter, stage legacy: old only, through the router", (k, v) => legacy.WriteAsync(k, v, none)),
            new("dual", "MigrationRouter, stage dual-write, write_percent 100, lead old (both started, then awaited)", (k, v) => dual.WriteAsync(k, v, none)),
            new("dual_offload", "the same with OffloadCalls = true (old side started on the thread pool)", (k, v) => dualOffload.WriteAsync(k, v, none)),
            new("sequential", "Scientist-style: await old, then await new", (k, v) => sequential.WriteAsync(k, v, none)),
        };

        var keys = Enumerable.Range(0, s.Keys).Select(i => string.Create(CultureInfo.InvariantCulture, $"session-{i:D6}")).ToArray();
        string Payload(int i) => string.Create(CultureInfo.InvariantCulture,
            $$"""{"user":{{i % 977}},"cart":[{{i % 13}},{{i % 31}},{{i % 101}}],"seq":{{i}},"pad":"{{new string('x', 160)}}"}""");
        foreach (var (k, i) in keys.Select((k, i) => (k, i)))
        {
            await oldStore.WriteAsync(k, Payload(i), none);
            await newStore.WriteAsync(k, Payload(i), none);
        }

        async Task RunRounds(int perScenario, bool record)
        {
            foreach (var sc in scenarios)
            {
                sc.Recorded = new Latencies(perScenario);
                sc.ClientCpu = TimeSpan.Zero;
            }
            using var self = Process.GetCurrentProcess();
            var rounds = (perScenario + s.Round - 1) / s.Round;
            for (var r = 0; r < rounds; r++)
            {
                var start = r * s.Round;
                var size = Math.Min(s.Round, perScenario - start);
                for (var j = 0; j < scenarios.Count; j++)
                {
                    var sc = scenarios[(j + r) % scenarios.Count];
                    self.Refresh();
                    var cpu0 = self.TotalProcessorTime;
                    var workers = Enumerable.Range(0, Math.Min(s.Concurrency, size)).Select(w => Task.Run(async () =>
                    {
                        for (var i = start + w; i < start + size; i += s.Concurrency)
                        {
                            var key = keys[i % keys.Length];
                            var payload = Payload(i);
                            var t0 = Stopwatch.GetTimestamp();
                            await sc.Write(key, payload);
                            var ticks = Stopwatch.GetTimestamp() - t0;
                            if (record)
                            {
                                sc.Recorded.Add(ticks);
                            }
                        }
                    }));
                    await Task.WhenAll(workers);
                    self.Refresh();
                    sc.ClientCpu += self.TotalProcessorTime - cpu0;
                }
            }
        }

        var clock = Stopwatch.StartNew();
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dual-write {s.Engine}: warm-up {s.Warmup} writes per scenario"));
        await RunRounds(s.Warmup, record: false);
        GC.Collect();
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dual-write {s.Engine}: {s.Writes} measured writes per scenario, {scenarios.Count} scenarios, concurrency {s.Concurrency}"));
        var measuredClock = Stopwatch.StartNew();
        await RunRounds(s.Writes, record: true);
        var measuredSeconds = measuredClock.Elapsed.TotalSeconds;
        var (oldRows, newRows) = await counts();
        await cleanup();

        var stats = scenarios.ToDictionary(sc => sc.Name, sc => sc.Recorded);
        var ideal = Latencies.PairwiseMax(stats["old"], stats["new"]);
        stats["ideal_overlap"] = ideal;
        var slowerP50 = Math.Max(stats["old"].PercentileMs(50), stats["new"].PercentileMs(50));
        var slowerP99 = Math.Max(stats["old"].PercentileMs(99), stats["new"].PercentileMs(99));
        var breaches = new[] { ("dual", dual), ("dual_offload", dualOffload) }
            .Where(x => x.Item2.LastBreach is not null).Select(x => $"{x.Item1}: {x.Item2.LastBreach!.Value.Report}").ToList();

        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("engine", s.Engine);
        json.WriteString("stores", storeText);
        if (s.Engine == "sqlite")
        {
            json.WriteString("synchronous", s.Synchronous);
        }
        if (pgSettings is { } ps)
        {
            json.WriteNumber("pg_servers", pgNew is null ? 1 : 2);
            json.WriteString("pg_old_settings", ps.Old);
            json.WriteString("pg_new_settings", ps.New);
        }
        json.WriteNumber("writes_per_scenario", s.Writes);
        json.WriteNumber("warmup_per_scenario", s.Warmup);
        json.WriteNumber("keys", s.Keys);
        json.WriteNumber("concurrency", s.Concurrency);
        json.WriteNumber("round", s.Round);
        json.WriteNumber("measured_seconds", Math.Round(measuredSeconds, 2));
        json.WriteNumber("total_seconds", Math.Round(clock.Elapsed.TotalSeconds, 2));
        json.WriteNumber("rows_old", oldRows);
        json.WriteNumber("rows_new", newRows);
        json.WriteString("router", "MigrationRouter defaults: breach monitor (BreachOptions defaults) and Polly circuit breaker on the new side, private RoutingMetrics meter, InMemoryConflictJournal, no observer; control InMemoryRoutingControl");
        json.WriteStartArray("breaches");
        breaches.ForEach(json.WriteStringValue);
        json.WriteEndArray();
        json.WriteStartObject("scenarios");
        foreach (var sc in scenarios)
        {
            var l = sc.Recorded;
            json.WriteStartObject(sc.Name);
            json.WriteString("what", sc.What);
            json.WriteNumber("count", l.Count);
            json.WriteNumber("p50_ms", Round(l.PercentileMs(50)));
            json.WriteNumber("p99_ms", Round(l.PercentileMs(99)));
            json.WriteNumber("mean_ms", Round(l.MeanMs()));
            json.WriteNumber("max_ms", Round(l.MaxMs()));
            json.WriteNumber("client_cpu_us_per_call", Math.Round(sc.ClientCpu.TotalMicroseconds / l.Count, 1));
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteStartObject("ideal_overlap");
        json.WriteString("what", "not run: the i-th old and i-th new single write paired, the slower kept (perfect overlap, no overhead)");
        json.WriteNumber("p50_ms", Round(ideal.PercentileMs(50)));
        json.WriteNumber("p99_ms", Round(ideal.PercentileMs(99)));
        json.WriteNumber("mean_ms", Round(ideal.MeanMs()));
        json.WriteEndObject();
        json.WriteStartObject("ratios");
        json.WriteNumber("slower_single_p50_ms", Round(slowerP50));
        json.WriteNumber("slower_single_p99_ms", Round(slowerP99));
        foreach (var name in new[] { "dual", "dual_offload", "sequential", "router_legacy", "ideal_overlap" })
        {
            json.WriteNumber($"{name}_p50", Math.Round(stats[name].PercentileMs(50) / slowerP50, 3));
            json.WriteNumber($"{name}_p99", Math.Round(stats[name].PercentileMs(99) / slowerP99, 3));
        }
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        stdout.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
        return oldRows == keys.Length && newRows == keys.Length && breaches.Count == 0 ? 0 : 1;
    }

    private static double Round(double ms) => Math.Round(ms, 4);
}

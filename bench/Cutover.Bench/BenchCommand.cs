using System.Globalization;

namespace Cutover.Bench;

/// <summary>Tiny argument parser for the bench tool: <c>generate --rows N --out PATH [--seed S]</c>.</summary>
internal static class BenchCommand
{
    private const string Usage = """
        usage: Cutover.Bench generate --rows N --out PATH [--seed S]
               Cutover.Bench checksum --source URI --table T (checksum --help for more)
               Cutover.Bench dual-write --engine postgres|sqlite (dual-write --help for more)

          --rows N    number of events rows (sessions = N/100, agents = N/20, min 1 each)
          --out PATH  SQLite file to write (replaced if it exists)
          --seed S    PRNG seed (default 20260105); same seed => same content
        """;

    private static int RunChecksum(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }
        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            stdout.WriteLine(ChecksumCommand.Usage);
            return 0;
        }
        if (!options.ContainsKey("--source") || !options.ContainsKey("--table"))
        {
            stderr.WriteLine(ChecksumCommand.Usage);
            return 2;
        }
        return ChecksumCommand.RunAsync(options, stdout).GetAwaiter().GetResult();
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "checksum")
        {
            return RunChecksum(args, stdout, stderr);
        }

        if (args[0] == "dual-write")
        {
            return DualWrite.DualWriteCommand.Run(args, stdout, stderr);
        }

        if (args[0] != "generate")
        {
            stderr.WriteLine($"unknown command '{args[0]}'");
            stderr.WriteLine(Usage);
            return 2;
        }

        long rows = 0;
        string? output = null;
        ulong seed = Generator.DefaultSeed;
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                stdout.WriteLine(Usage);
                return 0;
            }

            if (i + 1 >= args.Length)
            {
                stderr.WriteLine($"option '{name}' needs a value");
                return 2;
            }

            var value = args[++i];
            switch (name)
            {
                case "--rows":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out rows) || rows < 1)
                    {
                        stderr.WriteLine($"--rows must be a positive integer, got '{value}'");
                        return 2;
                    }

                    break;
                case "--out":
                    output = value;
                    break;
                case "--seed":
                    if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                    {
                        stderr.WriteLine($"--seed must be a non-negative integer, got '{value}'");
                        return 2;
                    }

                    break;
                default:
                    stderr.WriteLine($"unknown option '{name}'");
                    stderr.WriteLine(Usage);
                    return 2;
            }
        }

        if (rows < 1 || string.IsNullOrEmpty(output))
        {
            stderr.WriteLine("generate needs --rows and --out");
            stderr.WriteLine(Usage);
            return 2;
        }

        var result = new Generator(rows, seed).Generate(output);
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(inv, $"wrote {Path.GetFullPath(output)}"));
        stdout.WriteLine(string.Create(inv, $"  sessions: {result.Sessions,12:N0}"));
        stdout.WriteLine(string.Create(inv, $"  agents:   {result.Agents,12:N0}"));
        stdout.WriteLine(string.Create(inv, $"  events:   {result.Events,12:N0}"));
        stdout.WriteLine(string.Create(inv, $"  total:    {result.Total,12:N0}"));
        stdout.WriteLine(string.Create(inv, $"  size:     {result.FileBytes / (1024.0 * 1024.0),12:F1} MB"));
        stdout.WriteLine(string.Create(inv, $"  elapsed:  {result.Elapsed.TotalSeconds,12:F2} s ({result.Total / Math.Max(result.Elapsed.TotalSeconds, 1e-9):N0} rows/s)"));
        return 0;
    }
}

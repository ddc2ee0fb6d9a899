using System.CommandLine;

namespace Cutover.Cli.Commands;

/// <summary>Arguments and options several commands share, defined once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Argument<string> Plan() => new("PLAN") { Description = "The plan file (YAML), e.g. cutover.yaml" };

    public static Option<bool> Json() => new("--json") { Description = "Write one JSON document to stdout for scripts (shape in docs/cli.md)" };

    /// <summary>How many jobs run at once; null when not given (see <see cref="JobsFor"/>).</summary>
    public static Option<int?> Jobs(string what) => new("--jobs", "-j")
    {
        HelpName = "N",
        Description = $"How many {what} run at once, each on its own connections (default: the number of cores, at most 4; 1 into a SQLite target, which takes one writer at a time)",
        Validators = { r => { if (r.GetValueOrDefault<int?>() is < 1 or > 64) { r.AddError("--jobs takes a number from 1 to 64"); } } },
    };

    /// <summary>The jobs asked for, or the default: the machine's cores (at most 4), or 1 when the target takes one writer.</summary>
    public static int JobsFor(int? asked, Connectors.ITargetStore target) => asked ?? (target.ParallelWrites ? DefaultJobs : 1);

    /// <summary>With more than one job, the size from which a table is cut into key ranges.</summary>
    public static Option<long> SplitLargerThan(string what) => new("--split-larger-than")
    {
        HelpName = "ROWS",
        Description = $"With more than one job, cut tables of at least this many rows into key ranges {what} in parallel",
        DefaultValueFactory = _ => Migration.MigrationContext.DefaultSplitRows,
        Validators = { r => { if (r.GetValueOrDefault<long>() < 1) { r.AddError("--split-larger-than takes a number of rows, at least 1"); } } },
    };

    /// <summary>The machine's cores, at most 4.</summary>
    public static int DefaultJobs => Math.Clamp(Environment.ProcessorCount, 1, 4);

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Show what would happen, with counts; write nothing anywhere" };
}

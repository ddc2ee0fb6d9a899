using System.CommandLine;

namespace Cutover.Cli.Commands;

/// <summary>Arguments and options several commands share, defined once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Argument<string> Plan() => new("PLAN") { Description = "The plan file (YAML), e.g. cutover.yaml" };

    public static Option<bool> Json() => new("--json") { Description = "Write one JSON document to stdout for scripts (shape in docs/cli.md)" };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Show what would happen, with counts; write nothing anywhere" };
}

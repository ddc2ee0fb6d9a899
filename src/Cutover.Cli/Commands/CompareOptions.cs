using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Verification;

namespace Cutover.Cli.Commands;

/// <summary>What verify, diff and repair share: chunk options, opening the plan's stores for a comparison, picking entities.</summary>
internal static class CompareOptions
{
    /// <summary><c>--chunk-rows</c> (also spelled <c>--split-larger-than</c>, its name before chunks).</summary>
    public static Option<int?> ChunkRows() => new("--chunk-rows", "--split-larger-than")
    {
        HelpName = "ROWS",
        Description = $"About how many rows one chunk (key range) holds; chunks are checksummed on both sides and only differing ones compared row by row (default {DiffOptions.DefaultChunkRows})",
        Validators = { r => { if (r.GetValueOrDefault<int?>() is < 1) { r.AddError("--chunk-rows takes a number of rows, at least 1"); } } },
    };

    public static Option<bool> Resume() => new("--resume")
    {
        Description = "Take the chunks an interrupted verify or diff of this plan recorded instead of comparing them again (only when nothing wrote to either store since)",
    };

    public static Option<string?> Entity(string what) => new("--entity") { Description = what };

    public static Option<int?> Jobs() => CommonOptions.Jobs("chunks (key ranges, both sides each)");

    /// <summary>The plan's stores opened read-only, with the jobs and chunk size asked for. A re-keyed plan needs its state (the id map).</summary>
    public static async Task<MigrationContext> OpenAsync(MigrationPlan plan, SessionMode mode, int? jobs, int? chunkRows, CancellationToken ct, bool lockPlan = false)
    {
        var ctx = await CliRuntime.OpenAsync(plan, mode, null, null, ct, lockPlan).ConfigureAwait(false);
        if (ctx.State is null && ctx.Entities.Any(e => e.IsRekeyed))
        {
            await ctx.DisposeAsync().ConfigureAwait(false);
            ctx.RequireState();
        }
        ctx.Jobs = jobs ?? CommonOptions.DefaultJobs;
        ctx.ChunkRows = chunkRows ?? DiffOptions.DefaultChunkRows;
        return ctx;
    }

    /// <summary>
    /// Options for a comparison run from the command line: chunks recorded as they finish, and taken from an interrupted run's
    /// record only with <c>--resume</c> (a record cannot tell whether a store was written since). A plan that captures a live
    /// source neither records nor resumes: its source changes under any comparison.
    /// </summary>
    public static DiffOptions For(MigrationContext ctx, bool resume, int maxDetails)
    {
        var live = ctx.Plan.Capture != Capture.CaptureMode.None;
        if (resume && live)
        {
            throw new CutoverException(ErrorCodes.UsageInvalid,
                $"--resume: plan '{ctx.Plan.Name}' captures a live source (capture: {ctx.Plan.Capture.ToString().ToLowerInvariant()}), which changes under an interrupted comparison; run it without --resume");
        }
        return new DiffOptions { ChunkRows = ctx.ChunkRows, MaxDetails = maxDetails, Record = !live, Resume = resume };
    }

    public static IReadOnlyList<BoundEntity> Entities(MigrationContext ctx, string? entity) => entity is null ? ctx.Entities : [ctx.Entity(entity)];
}

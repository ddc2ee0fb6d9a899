using Cutover.Migration;
using Cutover.State;
using Cutover.Verification;
using Spectre.Console;

namespace Cutover.Cli.Infrastructure;

/// <summary>Tables for people and JSON shapes for scripts, one place per report so both stay in step.</summary>
internal static class Reports
{
    public static void DryRun(DryRunReport r, bool withDdl)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]plan {r.Plan}[/]: {r.Source} -> {r.Target}");
        AnsiConsole.MarkupLineInterpolated($"state: {r.State}");
        if (r.ResumeOf is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]would resume run {r.ResumeOf}[/]");
        }
        var t = new Table().AddColumns("#", "entity", "target table", "key", "source rows", "copied", "transforms");
        var i = 1;
        foreach (var e in r.Entities)
        {
            t.AddRow((i++).ToString(), Markup.Escape(e.Entity), Markup.Escape(e.TargetTable + (e.TableExists ? " (exists)" : "")),
                Markup.Escape(string.Join(", ", e.Key)), e.SourceRows.ToString(), e.AlreadyCopied.ToString(),
                Markup.Escape(e.Transforms.Count == 0 ? "copy as is" : string.Join("; ", e.Transforms)));
        }
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLineInterpolated($"total: {r.Entities.Sum(e => e.SourceRows)} rows in {r.Entities.Count} entities");
        AnsiConsole.WriteLine("preflight:");
        foreach (var p in r.Preflight)
        {
            AnsiConsole.MarkupLine((p.Passed ? "  [green]ok[/]   " : "  [red]FAIL[/] ") + Markup.Escape($"{p.Check}: {p.Detail}"));
        }
        AnsiConsole.WriteLine($"backups (backup: {r.Backup}):");
        foreach (var b in r.Backups)
        {
            AnsiConsole.MarkupLineInterpolated($"  {b}");
        }
        if (r.Checks.Count > 0)
        {
            AnsiConsole.WriteLine("checks after verification:");
            foreach (var c in r.Checks)
            {
                AnsiConsole.MarkupLineInterpolated($"  {c}");
            }
        }
        if (withDdl)
        {
            AnsiConsole.WriteLine("target tables:");
            foreach (var e in r.Entities)
            {
                AnsiConsole.WriteLine(e.TableExists ? $"  {e.TargetTable}: exists, kept" : "  " + e.CreateSql.Replace("\n", "\n  ", StringComparison.Ordinal) + ";");
            }
            AnsiConsole.WriteLine("dry run: nothing was written.");
        }
    }

    public static void Migrate(MigrationResult r)
    {
        if (r.AlreadyComplete)
        {
            AnsiConsole.MarkupLineInterpolated($"run {r.RunId} already completed; nothing to do. Check it with 'cutover verify', or start over with 'cutover rollback' then 'cutover migrate'.");
            return;
        }
        if (r.Entities.Count == 0)
        {
            return;
        }
        var t = new Table().Title("migration summary").AddColumns("entity", "rows read", "written", "rejected", "seconds", "rows/s");
        foreach (var e in r.Entities)
        {
            t.AddRow(Markup.Escape(e.Entity), e.Read.ToString(), e.Written.ToString(), e.Rejected > 0 ? $"[red]{e.Rejected}[/]" : "0", e.Seconds.ToString("F2"), Rate(e.Written, e.Seconds).ToString("F0"));
        }
        if (r.Entities.Count > 1)
        {
            var seconds = r.Entities.Sum(e => e.Seconds);
            t.AddRow("[bold]total[/]", r.Entities.Sum(e => e.Read).ToString(), r.Entities.Sum(e => e.Written).ToString(), r.RowsRejected.ToString(), seconds.ToString("F2"), Rate(r.Entities.Sum(e => e.Written), seconds).ToString("F0"));
        }
        AnsiConsole.Write(t);
        if (r.Verification.Count > 0)
        {
            Verify(r.Verification);
        }
        foreach (var c in r.Checks)
        {
            AnsiConsole.MarkupLine((c.Passed ? "check [green]passed[/]: " : "check [red]FAILED[/]: ") + Markup.Escape($"{c.Name} (on {c.On.ToString().ToLowerInvariant()}: expected {c.Expected}, got {c.Actual ?? c.Error})"));
        }
        if (r.Succeeded)
        {
            var verdict = r.RowsRejected > 0
                ? $"[yellow]completed with {r.RowsRejected} rejected rows[/] (recorded; see 'cutover status', fix, then 'cutover retry')"
                : r.LiveCapture != Capture.CaptureMode.None ? $"[green]completed[/]: every row copied; the source is live (capture: {r.LiveCapture.ToString().ToLowerInvariant()}), so next: 'cutover sync' catches up, 'cutover cutover' verifies with writes frozen"
                : r.Verification.Count == 0 ? "[green]completed[/]: every row copied (not verified: verify: none in the plan; run 'cutover verify')"
                : r.Verification.All(v => v.SourceChecksum == Verification.EntityVerification.NotComputed) ? "[green]completed[/]: every row copied, row counts equal (verify: counts)"
                : "[green]completed[/]: every row copied and verified";
            AnsiConsole.MarkupLine($"migrate: run {r.RunId}{(r.Resumed ? " (resumed)" : "")} {verdict} in {r.Seconds:F1}s");
        }
    }

    /// <summary>The first 16 hex digits of a checksum, enough to compare by eye; a word (counts only) as it is.</summary>
    private static string Short(string checksum) => checksum.Length > 16 && !checksum.Contains(' ', StringComparison.Ordinal) ? checksum[..16] : checksum;

    public static object MigrateJson(MigrationResult r) => new
    {
        run_id = r.RunId,
        status = r.Status is { } s ? RunStatusText.ToText(s) : null,
        phase = r.Phase,
        resumed = r.Resumed,
        already_complete = r.AlreadyComplete,
        seconds = Math.Round(r.Seconds, 3),
        entities = r.Entities.Select(e => new
        {
            entity = e.Entity,
            rows_read = e.Read,
            rows_written = e.Written,
            rows_rejected = e.Rejected,
            seconds = Math.Round(e.Seconds, 3),
            rows_per_second = Math.Round(Rate(e.Written, e.Seconds)),
        }),
        totals = new { rows_read = r.Entities.Sum(e => e.Read), rows_written = r.Entities.Sum(e => e.Written), rows_rejected = r.RowsRejected },
        verification = r.Verification.Select(VerifyJson),
        capture = r.LiveCapture.ToString().ToLowerInvariant(),
        checks = r.Checks.Select(c => new { name = c.Name, on = c.On.ToString().ToLowerInvariant(), expected = c.Expected, actual = c.Actual, passed = c.Passed, error = c.Error }),
        error = r.ErrorCode is null ? null : new { code = r.ErrorCode, message = r.ErrorMessage, details = r.ErrorDetails },
        exit_code = r.ExitCode,
    };

    public static void Verify(IReadOnlyList<EntityVerification> results)
    {
        var t = new Table().Title("verification").AddColumns("entity", "source rows", "target rows", "source checksum", "target checksum", "result");
        foreach (var v in results)
        {
            t.AddRow(Markup.Escape(v.Entity), v.SourceRows + (v.ExcludedRejected > 0 ? $" (+{v.ExcludedRejected} rejected)" : ""), v.TargetRows.ToString(),
                Markup.Escape(Short(v.SourceChecksum)), Markup.Escape(Short(v.TargetChecksum)), v.Match ? "[green]match[/]" : $"[red]{Markup.Escape(v.Problem)}[/]");
        }
        AnsiConsole.Write(t);
        foreach (var v in results.Where(v => v.DanglingForeignKeys > 0))
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]note:[/] {v.Entity}: {v.DanglingForeignKeys} rows have foreign keys that point at no parent row (find them with PRAGMA foreign_key_check on the target)");
        }
    }

    public static object VerifyJson(EntityVerification v) => new
    {
        entity = v.Entity,
        match = v.Match,
        source_rows = v.SourceRows,
        target_rows = v.TargetRows,
        source_checksum = v.SourceChecksum,
        target_checksum = v.TargetChecksum,
        rejected_rows_excluded = v.ExcludedRejected,
        dangling_foreign_keys = v.DanglingForeignKeys,
        source_rows_not_transformable = v.SourceTransformFailures,
        problem = v.Match ? null : v.Problem,
        chunks = v.Rows?.Chunks,
        chunks_differing = v.Rows?.ChunksDiffering,
        chunks_resumed = v.Rows?.ChunksResumed,
        missing_count = v.Rows?.MissingCount,
        extra_count = v.Rows?.ExtraCount,
        changed_count = v.Rows?.ChangedCount,
        normalizers = v.Rows?.Normalizers,
        seconds = Math.Round(v.Seconds, 3),
    };

    public static double Rate(long rows, double seconds) => seconds > 0 ? rows / seconds : 0;

    public static string Timestamp(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'");
}

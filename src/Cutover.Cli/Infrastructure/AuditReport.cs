using System.Globalization;
using System.Text;
using Cutover.Verification;
using Spectre.Console;

namespace Cutover.Cli.Infrastructure;

/// <summary>An audit's result as a table for people, JSON for scripts and Markdown for the report file.</summary>
internal static class AuditReport
{
    /// <summary>How many samples the table shows under a failing finding (JSON and the report have them all).</summary>
    private const int TableSamples = 5;

    public static void Table(AuditResult result)
    {
        var t = new Table().Title("audit").AddColumns("check", "subject", "result", "detail");
        foreach (var f in result.Findings)
        {
            var detail = Markup.Escape(f.Detail);
            if (!f.Ok && f.Samples.Count > 0)
            {
                detail += "\n[grey]" + Markup.Escape("e.g. " + string.Join(", ", f.Samples.Take(TableSamples)) + (f.Samples.Count > TableSamples ? ", ..." : "")) + "[/]";
            }
            t.AddRow(Markup.Escape(f.Check), Markup.Escape(f.Subject), f.Ok ? "[green]ok[/]" : "[red]FAILED[/]", detail);
        }
        AnsiConsole.Write(t);
    }

    /// <summary>The shape of <c>audit --json</c>; <paramref name="reportPath"/> is left out of the report file's own copy.</summary>
    public static object Json(AuditResult result, string? reportPath = null)
    {
        var findings = result.Findings.Select(f => new { check = f.Check, subject = f.Subject, ok = f.Ok, count = f.Count, detail = f.Detail, samples = f.Samples });
        return reportPath is null
            ? new { ok = result.Ok, findings }
            : new { ok = result.Ok, findings, report = reportPath };
    }

    /// <summary>The report file's body: the summary, then each failing finding with its samples.</summary>
    public static string Markdown(AuditResult result)
    {
        var md = new StringBuilder().Append(result.Summary).Append("\n\n");
        if (result.Ok)
        {
            return md.Append(CultureInfo.InvariantCulture, $"Every check holds: {string.Join(", ", result.Findings.Select(f => f.Check).Distinct())}.\n").ToString();
        }
        md.Append("## Failing checks\n\n");
        foreach (var f in result.Failed)
        {
            md.Append(CultureInfo.InvariantCulture, $"- **{f.Check}** {Code(f.Subject)}: {f.Detail}\n");
            if (f.Samples.Count > 0)
            {
                md.Append(CultureInfo.InvariantCulture, $"  - samples: {string.Join(", ", f.Samples.Select(Code))}\n");
            }
        }
        return md.ToString();
    }

    /// <summary>A code span, so keys and names show as they are (a backtick inside becomes a quote).</summary>
    private static string Code(string text) => "`" + text.Replace('`', '\'') + "`";
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cutover.Plan;

namespace Cutover.Cli.Infrastructure;

/// <summary>
/// The reports every verify, diff and audit run leaves in the plan's state folder: <c>.cutover/NAME/reports/STAMP-KIND.json</c>
/// (complete, for scripts) and <c>STAMP-KIND.md</c> (a short summary for people), listed by <c>cutover status</c>.
/// The JSON file is <c>{ "kind", "plan", "at", "ok", "summary", "report": { what the command's --json prints } }</c>.
/// </summary>
internal static class ReportFiles
{
    /// <summary>One report on disk.</summary>
    public sealed record Entry(string Kind, DateTimeOffset At, bool Ok, string Summary, string JsonPath, string MarkdownPath);

    public static string Directory(MigrationPlan plan) => Path.Combine(plan.StateDirectory, "reports");

    /// <summary>
    /// Writes both files (each to a temporary name, then renamed, so a report on disk is always whole) and returns where.
    /// <paramref name="body"/> is serialized like the command's --json output; <paramref name="markdown"/> is the summary's
    /// body, under a heading with the plan, time, result and <paramref name="summary"/>. Secrets are redacted in both.
    /// </summary>
    public static Entry Write(MigrationPlan plan, string kind, bool ok, string summary, object body, string markdown, TimeProvider? time = null)
    {
        var at = (time ?? TimeProvider.System).GetUtcNow();
        var dir = Directory(plan);
        System.IO.Directory.CreateDirectory(dir);
        var stamp = at.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var baseName = Path.Combine(dir, $"{stamp}-{kind}");
        // Two runs in the same millisecond (scripts) must not overwrite each other.
        for (var n = 2; File.Exists(baseName + ".json"); n++)
        {
            baseName = Path.Combine(dir, $"{stamp}-{kind}-{n}");
        }
        var document = new JsonObject
        {
            ["kind"] = kind,
            ["plan"] = plan.Name,
            ["at"] = at.ToString("O", CultureInfo.InvariantCulture),
            ["ok"] = ok,
            ["summary"] = CliRuntime.Redact(summary),
            ["report"] = Redacted(JsonSerializer.SerializeToNode(body, CliRuntime.Json)),
        };
        var md = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"# Cutover {kind} report: plan {plan.Name}\n\n")
            .Append(CultureInfo.InvariantCulture, $"- at: {at:yyyy-MM-dd HH:mm:ss}Z\n")
            .Append(CultureInfo.InvariantCulture, $"- result: {(ok ? "ok" : "problems found")}\n")
            .Append(CultureInfo.InvariantCulture, $"- summary: {summary}\n")
            .Append(CultureInfo.InvariantCulture, $"- complete report: {Path.GetFileName(baseName)}.json\n\n")
            .Append(markdown.TrimEnd()).Append('\n');
        WriteWhole(baseName + ".json", document.ToJsonString(CliRuntime.Json) + "\n");
        WriteWhole(baseName + ".md", CliRuntime.Redact(md.ToString()));
        return new Entry(kind, at, ok, summary, baseName + ".json", baseName + ".md");
    }

    /// <summary>The newest reports first (at most <paramref name="limit"/>); files that cannot be read are skipped.</summary>
    public static IReadOnlyList<Entry> List(MigrationPlan plan, int limit)
    {
        var dir = Directory(plan);
        if (!System.IO.Directory.Exists(dir))
        {
            return [];
        }
        var entries = new List<Entry>();
        foreach (var file in System.IO.Directory.GetFiles(dir, "*.json").OrderDescending(StringComparer.Ordinal))
        {
            if (entries.Count >= limit)
            {
                break;
            }
            try
            {
                var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
                entries.Add(new Entry(
                    (string)node["kind"]!,
                    DateTimeOffset.Parse((string)node["at"]!, CultureInfo.InvariantCulture),
                    (bool)node["ok"]!,
                    (string?)node["summary"] ?? "",
                    file,
                    Path.ChangeExtension(file, ".md")));
            }
            catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException or FormatException or NullReferenceException)
            {
                // Not one of ours, or damaged: status lists what it can read.
            }
        }
        return entries;
    }

    /// <summary>A report's path as people read it: relative to the current folder when it is inside it.</summary>
    public static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    /// <summary>
    /// Secrets masked in every string of a JSON document, value by value (masking the serialized text could break its
    /// escaping, or miss a password that JSON escapes).
    /// </summary>
    private static JsonNode? Redacted(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o.ToList())
                {
                    o[name] = Redacted(child?.DeepClone());
                }
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    a[i] = Redacted(a[i]?.DeepClone());
                }
                return a;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(CliRuntime.Redact(v.GetValue<string>()));
            default:
                return node;
        }
    }

    /// <summary>
    /// Writes to a temporary name of this process, then renames, so a report on disk is always whole. Reports hold row values
    /// (diff's changed fields), so only the owner may read them (0600 where the system has Unix permissions).
    /// </summary>
    private static void WriteWhole(string path, string text)
    {
        var tmp = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(tmp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }
        File.Move(tmp, path, overwrite: true);
    }
}

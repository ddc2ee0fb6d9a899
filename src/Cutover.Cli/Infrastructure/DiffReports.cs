using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Cutover.Values;
using Cutover.Verification;
using Spectre.Console;

namespace Cutover.Cli.Infrastructure;

/// <summary>How the chunked comparison's findings read: a table for people, JSON for scripts (docs/verification.md), Markdown for reports.</summary>
internal static class DiffReports
{
    /// <summary>A value in JSON: numbers as numbers, text as strings, other kinds as an object naming the kind.</summary>
    public static JsonNode? ValueJson(object? v) => v switch
    {
        null or DBNull => null,
        long l => JsonValue.Create(l),
        int i => JsonValue.Create((long)i),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        double d => new JsonObject { ["real"] = d.ToString(CultureInfo.InvariantCulture) },
        string s => JsonValue.Create(s),
        byte[] b => new JsonObject { ["blob_hex"] = Convert.ToHexStringLower(b) },
        RawText t => new JsonObject { ["invalid_utf8_hex"] = Convert.ToHexStringLower(t.Bytes) },
        Timestamp or Date => new JsonObject { [v is Timestamp ? "timestamp" : "date"] = Value.Display(Value.Untyped(v)) },
        Json j => new JsonObject { ["json"] = j.Text },
        Numeric n => new JsonObject { ["numeric"] = n.Text },
        _ => JsonValue.Create(Value.Display(v)),
    };

    /// <summary>A key in JSON: its value for a one-column key, an array of values for a composite key.</summary>
    public static JsonNode? KeyJson(IReadOnlyList<object?> key) => key.Count == 1 ? ValueJson(key[0]) : new JsonArray([.. key.Select(ValueJson)]);

    public static JsonObject EntityJson(EntityDiff d)
    {
        var changed = new JsonArray();
        foreach (var c in d.Changed)
        {
            var row = new JsonObject { ["key"] = KeyJson(c.Key) };
            if (KeyCodec.Encode(c.Key) != KeyCodec.Encode(c.TargetKey))
            {
                row["target_key"] = KeyJson(c.TargetKey);
            }
            row["fields"] = new JsonArray([.. c.Fields.Select(f => (JsonNode)JsonValue.Create(f.Field))]);
            var source = new JsonObject();
            var target = new JsonObject();
            foreach (var f in c.Fields)
            {
                source[f.Field] = ValueJson(f.Source);
                target[f.Field] = ValueJson(f.Target);
            }
            row["source"] = source;
            row["target"] = target;
            changed.Add(row);
        }
        return new JsonObject
        {
            ["entity"] = d.Entity,
            ["match"] = d.Match,
            ["source_rows"] = d.SourceRows,
            ["target_rows"] = d.TargetRows,
            ["source_checksum"] = d.SourceChecksum,
            ["target_checksum"] = d.TargetChecksum,
            ["chunks"] = d.Chunks,
            ["chunks_differing"] = d.ChunksDiffering,
            ["chunks_resumed"] = d.ChunksResumed,
            ["compared_by_key_range"] = d.Ranged,
            ["missing_count"] = d.MissingCount,
            ["extra_count"] = d.ExtraCount,
            ["changed_count"] = d.ChangedCount,
            ["missing"] = new JsonArray([.. d.Missing.Select(KeyJson)]),
            ["extra"] = new JsonArray([.. d.Extra.Select(KeyJson)]),
            ["changed"] = changed,
            ["not_transformable"] = new JsonArray([.. d.Untransformable.Select(u => (JsonNode)new JsonObject
            {
                ["key"] = KeyJson(u.Key),
                ["code"] = u.Code,
                ["message"] = u.Message,
            })]),
            ["rejected_rows_excluded"] = d.ExcludedRejected,
            ["normalizers"] = new JsonArray([.. d.Normalizers.Select(n => (JsonNode)JsonValue.Create(n))]),
            ["seconds"] = Math.Round(d.Seconds, 3),
        };
    }

    /// <summary>One line per entity, then each difference as a row of a table (at most <paramref name="limit"/> rows in all).</summary>
    public static void Table(IReadOnlyList<EntityDiff> diffs, int limit)
    {
        foreach (var d in diffs)
        {
            var resumed = d.ChunksResumed > 0 ? $", {d.ChunksResumed} taken from an interrupted run" : "";
            var how = $"{d.Chunks} chunk{(d.Chunks == 1 ? "" : "s")}{(d.ChunksDiffering > 0 ? $", {d.ChunksDiffering} differed" : "")}{resumed}";
            AnsiConsole.MarkupLine($"{Markup.Escape(d.Entity)}: " + (d.Match ? "[green]match[/]" : $"[red]{Markup.Escape(d.Summary)}[/]")
                + Markup.Escape($" ({d.SourceRows} source rows, {d.TargetRows} target rows; {how}; {d.Seconds:F1}s)"));
            foreach (var n in d.Normalizers)
            {
                AnsiConsole.MarkupLineInterpolated($"  normalized: {n}");
            }
        }
        var lines = Lines(diffs).ToList();
        if (lines.Count == 0)
        {
            return;
        }
        var t = new Table().AddColumns("entity", "difference", "key", "field", "source", "target");
        foreach (var l in lines.Take(limit))
        {
            t.AddRow(Markup.Escape(l.Entity), l.Kind, Markup.Escape(Cut(l.Key, 40)), Markup.Escape(l.Field), Markup.Escape(Cut(l.Source, 40)), Markup.Escape(Cut(l.Target, 40)));
        }
        AnsiConsole.Write(t);
        if (lines.Count > limit)
        {
            AnsiConsole.MarkupLineInterpolated($"(showing {limit} of {lines.Count} lines; --json and the report file have them all)");
        }
    }

    private sealed record Line(string Entity, string Kind, string Key, string Field, string Source, string Target);

    private static IEnumerable<Line> Lines(IReadOnlyList<EntityDiff> diffs)
    {
        foreach (var d in diffs)
        {
            foreach (var k in d.Missing)
            {
                yield return new Line(d.Entity, "missing", Value.DisplayKey(k), "", "(row)", "(none)");
            }
            foreach (var k in d.Extra)
            {
                yield return new Line(d.Entity, "extra", Value.DisplayKey(k), "", "(none)", "(row)");
            }
            foreach (var c in d.Changed)
            {
                foreach (var f in c.Fields)
                {
                    var (source, target) = Around(f.Source, f.Target, 38);
                    yield return new Line(d.Entity, "changed", Value.DisplayKey(c.Key), f.Field, source, target);
                }
            }
            foreach (var u in d.Untransformable)
            {
                yield return new Line(d.Entity, "not transformable", Value.DisplayKey(u.Key), "", $"{u.Code}: {u.Message}", "");
            }
        }
    }

    /// <summary>
    /// Both values quoted; two long texts are cut to the same window around their first differing character, so the
    /// difference stays in view.
    /// </summary>
    private static (string Source, string Target) Around(object? source, object? target, int width)
    {
        var (a, b) = (Value.Quote(source), Value.Quote(target));
        if (source is not string || target is not string || (a.Length <= width && b.Length <= width))
        {
            return (a, b);
        }
        var first = 0;
        while (first < a.Length && first < b.Length && a[first] == b[first])
        {
            first++;
        }
        var start = Math.Max(0, first - (width / 2));
        string Window(string s) => start >= s.Length ? "…" : (start > 0 ? "…" : "") + s[start..];
        return (Window(a), Window(b));
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    /// <summary>The report's Markdown: a table of entities, then up to 50 differences.</summary>
    public static string Markdown(IReadOnlyList<EntityDiff> diffs)
    {
        var md = new StringBuilder("| entity | source rows | target rows | chunks (differing) | missing | extra | changed | result |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var d in diffs)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {d.Entity} | {d.SourceRows} | {d.TargetRows} | {d.Chunks} ({d.ChunksDiffering}) | {d.MissingCount} | {d.ExtraCount} | {d.ChangedCount} | {(d.Match ? "match" : d.Summary)} |\n");
        }
        var lines = Lines(diffs).Take(50).ToList();
        if (lines.Count > 0)
        {
            md.Append("\n| entity | difference | key | field | source | target |\n|---|---|---|---|---|---|\n");
            foreach (var l in lines)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {l.Entity} | {l.Kind} | {Md(l.Key)} | {l.Field} | {Md(Cut(l.Source, 60))} | {Md(Cut(l.Target, 60))} |\n");
            }
        }
        return md.ToString();
    }

    private static string Md(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}

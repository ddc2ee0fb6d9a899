using System.Globalization;
using Cutover.Values;
using YamlDotNet.RepresentationModel;

namespace Cutover.Plan;

public static partial class PlanLoader
{
    private static readonly string[] NormalizeKeys = ["timestamps", "time_zone", "float_tolerance", "map", "json", "trim_trailing_spaces", "case_insensitive"];

    private sealed partial class Reader
    {
        private const string NormalizeExample = "write normalize: { COLUMN: { trim_trailing_spaces: true } }, with \"*\" for every column";

        /// <summary>
        /// The <c>normalize:</c> rules under <paramref name="parent"/> (the plan, or an entity: <paramref name="where"/> says which
        /// for messages). Column names are only checked against the target when the plan is bound.
        /// </summary>
        public List<NormalizeRule> ParseNormalize(YamlMappingNode parent, string where)
        {
            var rules = new List<NormalizeRule>();
            if (Mapping(parent, "normalize", NormalizeExample) is not { } node)
            {
                return rules;
            }
            foreach (var (k, v) in node.Children)
            {
                var column = (k as YamlScalarNode)?.Value;
                if (string.IsNullOrWhiteSpace(column))
                {
                    Error(Loc(k), $"normalize{where} is keyed by column names", NormalizeExample);
                    continue;
                }
                if (rules.Any(r => string.Equals(r.Column, column, StringComparison.OrdinalIgnoreCase)))
                {
                    Error(Loc(k), $"column '{column}' is named twice under normalize{where}", "write all of its options in one entry");
                    continue;
                }
                if (v is not YamlMappingNode options)
                {
                    Error(Loc(v), $"normalize: '{column}'{where} needs a mapping of options", $"write {column}: {{ trim_trailing_spaces: true }}");
                    continue;
                }
                rules.Add(ParseNormalizeRule(column, options, Loc(k)));
            }
            return rules;
        }

        private NormalizeRule ParseNormalizeRule(string column, YamlMappingNode options, PlanLocation at)
        {
            CheckKeys(options, NormalizeKeys, $"normalize: '{column}'");
            TimestampPrecision? precision = OptionalString(options, "timestamps") switch
            {
                null => null,
                "s" or "S" => TimestampPrecision.Seconds,
                "ms" or "MS" => TimestampPrecision.Milliseconds,
                "us" or "US" or "µs" => TimestampPrecision.Microseconds,
                var other => BadPrecision(options, other),
            };
            var zone = 0;
            if (OptionalString(options, "time_zone") is { } zoneText)
            {
                if (!TryZone(zoneText, out zone))
                {
                    Error(Loc(Child(options, "time_zone")!), $"time_zone must be UTC or an offset ±HH:MM, not '{zoneText}'",
                        "named zones are not supported, as their offset changes with the date; write for example time_zone: \"+02:00\"");
                }
                if (Child(options, "timestamps") is null)
                {
                    Error(At(options, "time_zone"), $"time_zone of '{column}' only applies with timestamps:", "add timestamps: s | ms | us, or remove time_zone");
                }
            }
            double? tolerance = null;
            if (OptionalString(options, "float_tolerance") is { } tolText)
            {
                if (double.TryParse(tolText, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && double.IsFinite(t) && t > 0)
                {
                    tolerance = t;
                }
                else
                {
                    Error(Loc(Child(options, "float_tolerance")!), $"float_tolerance must be a number greater than 0, not '{tolText}'",
                        "it is the largest absolute difference between two doubles that still counts as the same, for example float_tolerance: 0.000001");
                }
            }
            return new NormalizeRule(column, at)
            {
                Timestamps = precision,
                TimeZoneMinutes = zone,
                FloatTolerance = tolerance,
                Map = ParseMap(options, column),
                Json = OptionalBool(options, "json"),
                TrimTrailingSpaces = OptionalBool(options, "trim_trailing_spaces"),
                CaseInsensitive = OptionalBool(options, "case_insensitive"),
            };
        }

        private TimestampPrecision? BadPrecision(YamlMappingNode options, string text)
        {
            Error(Loc(Child(options, "timestamps")!), $"timestamps must be s, ms or us, not '{text}'", "write the precision both sides agree on, for example timestamps: ms");
            return null;
        }

        private Dictionary<string, string>? ParseMap(YamlMappingNode options, string column)
        {
            var fix = "write map: {{ \"A\": active, \"C\": closed }} (stored value: value it stands for)";
            if (Mapping(options, "map", fix) is not { } node)
            {
                return null;
            }
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in node.Children)
            {
                if (k is not YamlScalarNode key || IsNull(key))
                {
                    Error(Loc(k), $"map of '{column}' needs a value as each key", "quote keys that YAML reads otherwise: \"null\": none");
                    continue;
                }
                if (v is not YamlScalarNode value || IsNull(value))
                {
                    Error(Loc(v), $"map of '{column}' must map '{key.Value}' to a single text value", $"write \"{key.Value}\": VALUE, quoted when it is ~ or null");
                    continue;
                }
                map[key.Value ?? ""] = value.Value ?? "";
            }
            return map;
        }

        private bool OptionalBool(YamlMappingNode map, string key)
        {
            switch (OptionalString(map, key))
            {
                case null or "false" or "False" or "no":
                    return false;
                case "true" or "True" or "yes":
                    return true;
                case var other:
                    Error(Loc(Child(map, key)!), $"{key} must be true or false, not '{other}'", $"write {key}: true");
                    return false;
            }
        }

        private static bool TryZone(string text, out int minutes)
        {
            minutes = 0;
            if (string.Equals(text, "UTC", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (text.Length == 0 || text[0] is not ('+' or '-') || !IsoParts.TryZone(text, 0, out var offset, out _))
            {
                return false;
            }
            minutes = (int)offset;
            return true;
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Cutover.Connectors;
using Cutover.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cutover.Plan;

/// <summary>
/// Reads a plan file and checks its shape. Every problem is collected (not just the first) with its
/// file:line:column and a fix, and reported at once as one <see cref="ErrorCodes.PlanInvalid"/>.
/// </summary>
public static partial class PlanLoader
{
    private static readonly string[] TopKeys = ["name", "source", "target", "state", "batch_size", "on_error", "if_exists", "backup", "verify", "types", "entities", "checks", "capture", "cutover", "throttle", "normalize", "rollout", "reconcile"];
    private static readonly string[] CutoverKeys = ["max_lag", "max_pending", "verify", "drain_timeout"];
    private static readonly string[] ThrottleKeys = ["max_target_latency", "max_lag", "rows_per_second"];
    private static readonly string[] EntityKeys = ["table", "to", "key", "rekey", "references", "columns", "normalize", "reconcile"];
    private static readonly string[] ColumnKeys = ["rename", "type", "drop", "default", "invalid_utf8", "dates", "json", "booleans"];
    private static readonly string[] TypesKeys = ["dates", "json", "booleans"];
    private static readonly string[] RekeyKeys = ["to", "time_from", "column"];
    private static readonly string[] CheckFieldKeys = ["name", "sql", "expect", "on"];

    /// <summary>Loads and validates <paramref name="path"/>; throws <see cref="CutoverException"/> listing every error.</summary>
    public static MigrationPlan Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CutoverException(ErrorCodes.PlanNotFound, $"{path}: plan file not found (create one with: cutover init --source sqlite:app.db --target sqlite:app_v2.db > cutover.yaml)");
        }
        var text = File.ReadAllText(path);
        var (plan, errors) = Parse(text, path);
        if (errors.Count > 0 || plan is null)
        {
            throw Invalid(errors);
        }
        return plan with { Hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) };
    }

    /// <summary>Builds the exception for a list of plan errors: the first line says how many, then one line each.</summary>
    public static CutoverException Invalid(IReadOnlyList<PlanError> errors) =>
        new(ErrorCodes.PlanInvalid, errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} problems in the plan; first: {errors[0]}")
        {
            Details = errors.Select(e => e.ToString()).ToList(),
        };

    /// <summary>Parses plan text. Returns the plan (null when it cannot be built) and every error found.</summary>
    public static (MigrationPlan? Plan, List<PlanError> Errors) Parse(string text, string file)
    {
        var errors = new List<PlanError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            errors.Add(new PlanError(new PlanLocation(file, (int)ex.Start.Line, (int)ex.Start.Column),
                "not valid YAML: " + FirstLine(ex.InnerException?.Message ?? ex.Message), "check indentation and quoting near this place"));
            return (null, errors);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(new PlanError(new PlanLocation(file, 1, 1), "the plan must be a YAML mapping with source, target and entities", "start from: cutover init --source sqlite:app.db --target sqlite:app_v2.db"));
            return (null, errors);
        }
        var r = new Reader(file, errors);
        r.CheckKeys(root, TopKeys, "plan");
        var name = r.OptionalString(root, "name") ?? Path.GetFileNameWithoutExtension(file);
        if (!NamePattern().IsMatch(name))
        {
            r.Error(r.At(root, "name"), $"name '{name}' may only use letters, digits, '.', '_' and '-'", "it names the state folder .cutover/NAME");
        }
        var source = r.RequiredString(root, "source", "add: source: sqlite:./app.db");
        var target = r.RequiredString(root, "target", "add: target: sqlite:./app_v2.db");
        var state = r.OptionalString(root, "state");
        if (state is not null && StateProblem(state) is { } stateProblem)
        {
            r.Error(r.At(root, "state"), stateProblem, "write state: sqlite:./.cutover/NAME/state.db or state: postgres://USER:PASSWORD@HOST:5432/DATABASE");
        }
        var batch = r.OptionalInt(root, "batch_size", 5000, 1, 1_000_000);
        var onError = r.OptionalEnum(root, "on_error", OnErrorPolicy.Stop);
        var ifExists = r.OptionalEnum(root, "if_exists", IfExistsPolicy.Fail);
        var verify = r.OptionalEnum(root, "verify", VerifyMode.Checksums);
        var backup = r.OptionalEnum(root, "backup", BackupPolicy.All);
        var types = TypesPlan.Default;
        if (r.Child(root, "types") is YamlMappingNode typesNode)
        {
            r.CheckKeys(typesNode, TypesKeys, "types");
            types = new TypesPlan(
                r.OptionalEnum(typesNode, "dates", DatesOption.Text),
                r.OptionalEnum(typesNode, "json", JsonOption.Text),
                r.OptionalEnum(typesNode, "booleans", BooleansOption.Boolean));
        }
        else if (r.Child(root, "types") is { } notMap && !IsNull(notMap))
        {
            r.Error(r.Loc(notMap), "types must be a mapping", "write types: { dates: iso, json: jsonb, booleans: boolean }");
        }
        var capture = r.OptionalEnum(root, "capture", Capture.CaptureMode.None);
        var cutover = CutoverOptions.Default;
        if (r.Mapping(root, "cutover", "write cutover: { max_lag: 5s, max_pending: 10000, verify: counts, drain_timeout: 30s }") is { } cutNode)
        {
            r.CheckKeys(cutNode, CutoverKeys, "cutover");
            cutover = new CutoverOptions(
                r.OptionalDuration(cutNode, "max_lag", cutover.MaxLag) ?? cutover.MaxLag,
                r.OptionalInt(cutNode, "max_pending", (int)cutover.MaxPending, 0, int.MaxValue),
                r.OptionalEnum(cutNode, "verify", cutover.Verify),
                r.OptionalDuration(cutNode, "drain_timeout", cutover.DrainTimeout) ?? cutover.DrainTimeout);
        }
        var throttle = ThrottleOptions.None;
        if (r.Mapping(root, "throttle", "write throttle: { max_target_latency: 250ms, max_lag: 2s, rows_per_second: 20000 }") is { } thrNode)
        {
            r.CheckKeys(thrNode, ThrottleKeys, "throttle");
            throttle = new ThrottleOptions(
                r.OptionalDuration(thrNode, "max_target_latency", null),
                r.OptionalDuration(thrNode, "max_lag", null),
                r.OptionalInt(thrNode, "rows_per_second", 0, 0, 100_000_000));
        }
        var normalize = r.ParseNormalize(root, "");
        var rollout = r.ParseRollout(root);
        var reconcile = r.ParseReconcile(root);

        var entities = new List<EntityPlan>();
        if (r.Child(root, "entities") is { } entNode)
        {
            if (entNode is YamlSequenceNode seq)
            {
                foreach (var item in seq)
                {
                    if (r.ParseEntity(item) is { } e)
                    {
                        entities.Add(e);
                    }
                }
            }
            else
            {
                r.Error(r.Loc(entNode), "entities must be a list", "write each entity as '- table: NAME'");
            }
        }
        if (entities.Count == 0 && errors.Count == 0)
        {
            r.Error(new PlanLocation(file, 1, 1), "the plan has no entities", "add 'entities:' with '- table: NAME' items, or generate them with cutover init");
        }
        CheckEntityGraph(entities, r);

        var checks = new List<CheckPlan>();
        if (r.Child(root, "checks") is YamlSequenceNode checkSeq)
        {
            foreach (var item in checkSeq)
            {
                if (r.ParseCheck(item) is { } c)
                {
                    checks.Add(c);
                }
            }
        }
        else if (r.Child(root, "checks") is { } notSeq && !IsNull(notSeq))
        {
            r.Error(r.Loc(notSeq), "checks must be a list", "write each check as '- name: ...' with sql and expect");
        }
        foreach (var dup in checks.GroupBy(c => c.Name).Where(g => g.Count() > 1))
        {
            r.Error(dup.Skip(1).First().At, $"check name '{dup.Key}' is used twice", "give every check its own name");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var plan = new MigrationPlan
        {
            Name = name,
            FilePath = Path.GetFullPath(file),
            Source = source!,
            Target = target!,
            State = state,
            BatchSize = batch,
            OnError = onError,
            IfExists = ifExists,
            Verify = verify,
            Backup = backup,
            Types = types,
            Entities = entities,
            Checks = checks,
            Capture = capture,
            Cutover = cutover,
            Throttle = throttle,
            Normalize = normalize,
            Rollout = rollout,
            Reconcile = reconcile,
            SourceAt = r.At(root, "source"),
            TargetAt = r.At(root, "target"),
            StateAt = state is null ? default : r.At(root, "state"),
        };
        return (plan, errors);
    }

    private static void CheckEntityGraph(List<EntityPlan> entities, Reader r)
    {
        foreach (var dup in entities.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            r.Error(dup.Skip(1).First().At, $"table '{dup.Key}' is listed twice", "list each table once");
        }
        foreach (var dup in entities.GroupBy(e => e.TargetTable, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            r.Error(dup.Skip(1).First().At, $"two entities write to target table '{dup.Key}'", "give one of them another 'to:' name");
        }
        var names = entities.Select(e => e.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var e in entities)
        {
            foreach (var reference in e.References.Where(x => !names.Contains(x.Entity)))
            {
                r.Error(reference.At, $"references: '{reference.Column}' points at '{reference.Entity}', which is not an entity of this plan",
                    "add that table to entities, or remove the reference");
            }
        }
    }

    internal static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain } s && (s.Value is null or "" or "~" or "null");

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    internal static object? ScalarValue(YamlScalarNode s)
    {
        if (s.Style != ScalarStyle.Plain)
        {
            return s.Value ?? "";
        }
        var v = s.Value ?? "";
        if (v is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }
        return v switch
        {
            "true" or "True" or "TRUE" => 1L,
            "false" or "False" or "FALSE" => 0L,
            _ => v,
        };
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();

    /// <summary>Declared types a plan may ask for: words, then an optional (n) or (n, m).</summary>
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*( [A-Za-z_][A-Za-z0-9_]*)*\s*(\(\s*[+-]?\d+\s*(,\s*[+-]?\d+\s*)?\))?$")]
    internal static partial Regex TypePattern();

    /// <summary>What is wrong with a <c>state:</c> value, or null: it must be <c>sqlite:PATH</c>, a path, or a postgres:// URI.</summary>
    internal static string? StateProblem(string state)
    {
        if (MigrationPlan.IsRemoteState(state))
        {
            var rest = state[(state.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var q = rest.IndexOf('?', StringComparison.Ordinal);
            if (q >= 0)
            {
                rest = rest[..q];
            }
            var slash = rest.IndexOf('/', rest.LastIndexOf('@') + 1);
            return slash < 0 || slash == rest.Length - 1 ? $"state '{Redaction.Redact(state)}' names no database" : null;
        }
        if (state.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            return state.Length == 7 ? "state 'sqlite:' names no file" : null;
        }
        var colon = state.IndexOf(':', StringComparison.Ordinal);
        // A scheme of two or more letters (C:\ is a Windows drive, not a scheme).
        if (colon >= 2 && state[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '.' or '-') && char.IsAsciiLetter(state[0]))
        {
            return $"state '{Redaction.Redact(state)}' is not a state store Cutover knows (sqlite:PATH or postgres://...)";
        }
        return state.Trim().Length == 0 ? "state is empty" : null;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cutover.State;

/// <summary>
/// The traffic control state of a dual-write migration (issue 6), kept as ONE JSON value under <see cref="ControlKeys.Routing"/>
/// in the state store so applications read stage and percentages together: <see cref="Stage"/> is one of
/// <see cref="Stages"/>; <see cref="Lead"/> (<c>old</c> or <c>new</c>) says whose result callers see while both are written;
/// <see cref="ReadPercent"/> and <see cref="WritePercent"/> (0–100) say which share of keys, sticky per key, take the new path.
/// <see cref="Version"/> goes up by one with every change, so a reader can tell a change it has not applied yet.
/// <see cref="Thresholds"/>, when set (from the plan's <c>rollout:</c> block), are the breach thresholds every router applies
/// to the new side instead of its own.
/// </summary>
public sealed record RoutingControl(
    string Stage,
    string Lead,
    int ReadPercent,
    int WritePercent,
    long Version,
    DateTimeOffset ChangedAt,
    string? Reason,
    RoutingThresholds? Thresholds = null)
{
    public const string Legacy = "legacy";
    public const string DualWrite = "dual-write";
    public const string Shadow = "shadow";
    public const string Live = "live";
    public const string RampDown = "ramp-down";
    public const string Complete = "complete";

    /// <summary>The stages in rollout order (LaunchDarkly's six, by Cutover's names).</summary>
    public static readonly IReadOnlyList<string> Stages = [Legacy, DualWrite, Shadow, Live, RampDown, Complete];

    public const string LeadOld = "old";
    public const string LeadNew = "new";

    /// <summary>Where a migration starts: the old store only.</summary>
    public static RoutingControl Initial(DateTimeOffset at) => new(Legacy, LeadOld, 0, 0, 0, at, null);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored value, or null when there is none or it is not a routing control document.</summary>
    public static RoutingControl? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            var c = JsonSerializer.Deserialize<RoutingControl>(json, Json);
            if (c is null || !Stages.Contains(c.Stage) || c.Lead is not (LeadOld or LeadNew)
                || c.ReadPercent is < 0 or > 100 || c.WritePercent is < 0 or > 100)
            {
                return null;
            }
            // Thresholds nobody could apply are dropped rather than stopping the routing: routers keep their own.
            return c.Thresholds is { } t && (t.OnBreach is null || t.Validate().Count > 0) ? c with { Thresholds = null } : c;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

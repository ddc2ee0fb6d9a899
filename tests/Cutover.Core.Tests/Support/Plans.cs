using Cutover.Plan;

namespace Cutover.Core.Tests.Support;

/// <summary>Builds plans from YAML. <see cref="Header"/> takes lines 1-3, so the first entity line is line 4.</summary>
internal static class Plans
{
    public const string File = "plan.yaml";

    public static readonly string[] Header = ["source: sqlite:a.db", "target: sqlite:b.db", "entities:"];

    public static string Text(params string[] lines) => string.Join("\n", lines) + "\n";

    public static (MigrationPlan? Plan, List<PlanError> Errors) Parse(params string[] lines) => PlanLoader.Parse(Text(lines), File);

    /// <summary>Parses <see cref="Header"/> followed by <paramref name="entityLines"/>, asserting there are no errors.</summary>
    public static MigrationPlan Entities(params string[] entityLines)
    {
        var (plan, errors) = Parse([.. Header, .. entityLines]);
        Assert.Empty(errors);
        return plan!;
    }
}

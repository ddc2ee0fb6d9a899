using YamlDotNet.RepresentationModel;

namespace Cutover.Plan;

public static partial class PlanLoader
{
    private sealed partial class Reader
    {
        /// <summary>
        /// <c>reconcile: old-wins | new-wins | manual</c> at the top of the plan or on an entity (which overrides the plan's),
        /// or null when not written.
        /// </summary>
        public ReconcileStrategy? ParseReconcile(YamlMappingNode map)
        {
            if (Child(map, "reconcile") is not { } node || IsNull(node))
            {
                return null;
            }
            if (node is YamlScalarNode { Value: var text } && ReconcileStrategies.Parse(text) is { } strategy)
            {
                return strategy;
            }
            var shown = node is YamlScalarNode s ? $"'{s.Value}'" : "a " + (node is YamlSequenceNode ? "list" : "mapping");
            Error(Loc(node), $"reconcile must be {ReconcileStrategies.Choices}, not {shown}", "write reconcile: old-wins (make the new store equal the old), new-wins, or manual");
            return null;
        }
    }
}

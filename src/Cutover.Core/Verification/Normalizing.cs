using Cutover.Plan;

namespace Cutover.Verification;

/// <summary>The plan's normalizers for one entity, as the comparison uses them (placeholder until the plan carries them).</summary>
internal sealed class Normalizing
{
    public static Normalizing? For(BoundEntity e) => e is null ? throw new ArgumentNullException(nameof(e)) : null;

    public object?[] ForChecksum(object?[] row) => row;

    public bool Same(int column, object? source, object? target) => CanonicalEncoder.Same(source, target);

    public IReadOnlyList<string> Describe() => [];
}

using Cutover.Values;
using Cutover.Verification;
using static Cutover.Core.Tests.Verification.Normalizers;

namespace Cutover.Core.Tests.Verification;

/// <summary>
/// The guarantee the diff engine builds on, over many generated pairs: values whose checksum forms encode alike are
/// <see cref="RowNormalizer.Same"/>, so equal chunk checksums never hide a difference. Also: the comparison is symmetric,
/// without a tolerance it is exactly "hashes alike", and a tolerance never lets doubles further apart than it through.
/// </summary>
public class RowNormalizerPropertyTests
{
    private const int PairsPerColumn = 6000;

    /// <summary>Every column of the table with rules, several of them combined; tolerances of each kind of magnitude.</summary>
    private static readonly RowNormalizer N = For(
        "  - table: orders",
        "    normalize:",
        "      placed_at: { timestamps: ms, time_zone: \"-05:30\" }",
        "      amount: { float_tolerance: 0.001 }",
        "      status: { map: { \"A\": active, \"1\": active, \"B\": Bravo }, case_insensitive: true, trim_trailing_spaces: true }",
        "      payload: { json: true, trim_trailing_spaces: true }",
        "      email: { case_insensitive: true }",
        "      name: { trim_trailing_spaces: true }",
        "      note: { timestamps: s, float_tolerance: 0.5, json: true, map: { \"2\": \"1\" } }",
        "      weight: { float_tolerance: 3e-7, timestamps: us }");

    private static readonly Dictionary<int, double> Tolerances = new() { [Amount] = 0.001, [Note] = 0.5, [Weight] = 3e-7 };

    public static TheoryData<int> Columns => [Id, PlacedAt, Amount, Status, Payload, Email, Name, Note, Weight];

    [Theory]
    [MemberData(nameof(Columns))]
    public void ForChecksum_EncodedAlike_ImpliesSame(int column)
    {
        var values = new NormalizerValues(1000 + column);
        var alike = 0;
        var sameButNotRaw = 0;
        for (var i = 0; i < PairsPerColumn; i++)
        {
            var a = values.Any();
            var b = values.Near(a);
            var same = N.Same(column, a, b);
            if (HashAlike(N, column, a, b))
            {
                alike++;
                Assert.True(same, $"column {column}: {Show(a)} and {Show(b)} hash alike but are not Same");
            }
            Assert.Equal(same, N.Same(column, b, a));
            if (!Tolerances.ContainsKey(column))
            {
                Assert.Equal(HashAlike(N, column, a, b), same);
            }
            if (same && !Encoded(a).SequenceEqual(Encoded(b)))
            {
                sameButNotRaw++;
            }
        }
        // Not vacuous: many pairs hash alike, and (where a rule applies) many of them only through the rule.
        Assert.True(alike > PairsPerColumn / 10, $"only {alike} pairs hashed alike");
        Assert.True(column == Id ? sameButNotRaw == 0 : sameButNotRaw > PairsPerColumn / 50, $"{sameButNotRaw} pairs were Same only through the rules");
    }

    [Theory]
    [InlineData(Amount)]
    [InlineData(Note)]
    [InlineData(Weight)]
    public void FloatTolerance_SameExactlyWithinTheTolerance(int column)
    {
        var t = Tolerances[column];
        var values = new NormalizerValues(7 + column);
        var straddled = 0;
        for (var i = 0; i < PairsPerColumn * 3; i++)
        {
            var a = values.Double();
            var b = values.Near(a) is double d ? d : values.Double();
            var within = double.IsFinite(a) && double.IsFinite(b)
                ? Math.Abs(a - b) <= t
                : a.Equals(b); // NaN equals NaN; an infinity only itself
            Assert.True(within == N.Same(column, a, b), $"{Show(a)} vs {Show(b)}: within {t} is {within}");
            if (HashAlike(N, column, a, b))
            {
                Assert.True(within, $"{Show(a)} and {Show(b)} hash alike but are {Math.Abs(a - b):R} apart");
            }
            else if (within)
            {
                straddled++;
            }
        }
        Assert.True(straddled < PairsPerColumn * 3, "the grid should put most close pairs together");
    }

    [Fact]
    public void FloatTolerance_TinyAndHugeTolerances_NeverHashApartValuesTogether()
    {
        foreach (var t in new[] { double.Epsilon, 1e-300, 1e-20, 1.0, 3.5, 1e10, 1e300 })
        {
            var n = For("  - table: orders", "    normalize:", $"      amount: {{ float_tolerance: {t:R} }}");
            var values = new NormalizerValues(42);
            for (var i = 0; i < 3000; i++)
            {
                var a = values.Double();
                var b = values.Near(a) is double d ? d : values.Double();
                if (HashAlike(n, Amount, a, b) && !(double.IsNaN(a) && double.IsNaN(b)))
                {
                    Assert.True(a.Equals(b) || Math.Abs(a - b) <= t, $"tolerance {t:R}: {Show(a)} and {Show(b)} hash alike");
                }
            }
        }
    }

    private static string Show(object? v) => v switch
    {
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        string s => $"'{s}'",
        _ => $"{Value.Display(v)} ({v?.GetType().Name ?? "null"})",
    };
}

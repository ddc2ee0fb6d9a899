using Cutover.Core.Tests.Support;
using Cutover.Plan;
using Cutover.Schema;
using Cutover.Values;
using Cutover.Verification;
using static Cutover.Core.Tests.Support.Schemas;

namespace Cutover.Core.Tests.Verification;

/// <summary>Row normalizers built the way a run builds them: a plan parsed, bound to a schema, then <see cref="RowNormalizer.For"/>.</summary>
internal static class Normalizers
{
    /// <summary>Target layout of <see cref="Orders"/> (its key is id): the column index each test compares.</summary>
    public const int Id = 0, PlacedAt = 1, Amount = 2, Status = 3, Payload = 4, Email = 5, Name = 6, Note = 7, Weight = 8;

    public static readonly TableSchema Orders = Table("orders",
    [
        Col("id", pk: 1), Col("placed_at", "TEXT"), Col("amount", "REAL"), Col("status", "TEXT"), Col("payload", "TEXT"),
        Col("email", "TEXT"), Col("name", "TEXT"), Col("note", "TEXT"), Col("weight", "REAL"),
    ]);

    /// <summary>One rule per column (the example, with a 1e-9 tolerance); note and weight have none.</summary>
    public static readonly string[] OrdersRules =
    [
        "  - table: orders",
        "    normalize:",
        "      placed_at: { timestamps: ms, time_zone: \"+02:00\" }",
        "      amount: { float_tolerance: 0.000000001 }",
        "      status: { map: { \"A\": active, \"C\": closed, \"1\": active } }",
        "      payload: { json: true }",
        "      email: { case_insensitive: true }",
        "      name: { trim_trailing_spaces: true }",
    ];

    public static BoundEntity Bind(TableSchema table, params string[] lines)
    {
        var (plan, errors) = Plans.Parse(lines);
        Assert.Empty(errors);
        var (bound, bindErrors) = PlanBinder.Bind(plan!, Db(table));
        Assert.Empty(bindErrors);
        return Assert.Single(bound);
    }

    /// <summary>The normalizer of <see cref="Orders"/> under <paramref name="entityLines"/> (after the plan header).</summary>
    public static RowNormalizer For(params string[] entityLines) =>
        RowNormalizer.For(Bind(Orders, [.. Plans.Header, .. entityLines])) ?? throw new InvalidOperationException("no rule applies");

    public static RowNormalizer ForOrders() => For(OrdersRules);

    public static Timestamp Ts(string iso)
    {
        Assert.True(Timestamp.TryParseIso(iso, out var t, out var reason), reason);
        return t;
    }

    public static Json JsonOf(string text) => Json.Parse(text);

    /// <summary>Whether the checksum forms of <paramref name="a"/> and <paramref name="b"/> in <paramref name="column"/> encode alike.</summary>
    public static bool HashAlike(RowNormalizer n, int column, object? a, object? b)
    {
        var x = new object?[Weight + 1];
        var y = new object?[Weight + 1];
        x[column] = a;
        y[column] = b;
        return Encoded(n.ForChecksum(x)[column]).SequenceEqual(Encoded(n.ForChecksum(y)[column]));
    }

    public static byte[] Encoded(object? v)
    {
        var w = new System.Buffers.ArrayBufferWriter<byte>();
        CanonicalEncoder.EncodeValue(v, w);
        return w.WrittenSpan.ToArray();
    }
}

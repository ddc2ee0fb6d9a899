using Cutover.Core.Tests.Support;
using Cutover.Errors;
using Cutover.Plan;
using Cutover.Schema;
using Cutover.State;
using Cutover.Transform;
using Cutover.Values;
using static Cutover.Core.Tests.Support.Schemas;

namespace Cutover.Core.Tests.Transform;

public class RowTransformerTests
{
    private const string U1 = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

    private static readonly TableSchema Sessions = Table("sessions", [Col("id", "INTEGER", pk: 1)]);

    private static readonly TableSchema Messages = Table(
        "messages", [Col("id", "INTEGER", pk: 1), Col("session_id", "INTEGER")], foreignKeys: [Fk("session_id", "sessions", "id")]);

    private static readonly string[] RekeyPlan =
    [
        "  - table: sessions", "    key: id", "    rekey: { to: ulid }",
        "  - table: messages", "    references: { session_id: sessions }",
    ];

    private static IReadOnlyList<BoundEntity> Bind(DatabaseSchema schema, params string[] entityLines)
    {
        var (bound, errors) = PlanBinder.Bind(Plans.Entities(entityLines), schema);
        Assert.Empty(errors);
        return bound;
    }

    private static async Task<TransformedRow[]> Run(BoundEntity entity, IStateStore? ids, params object?[][] rows) =>
        await new RowTransformer(entity, ids).TransformAsync(rows, CancellationToken.None);

    private static void AssertRefused(TransformedRow row, string code)
    {
        Assert.False(row.Ok);
        Assert.Null(row.Target);
        Assert.Equal(code, row.Code);
    }

    [Fact]
    public async Task TransformAsync_RenameDropDefaultCast_BuildsTargetRow()
    {
        var t = Table("t", [Col("id", pk: 1), Col("name", "TEXT"), Col("junk", "BLOB"), Col("score", "TEXT"), Col("note", "TEXT")]);
        var e = Bind(Db(t),
            "  - table: t",
            "    columns:",
            "      name: { rename: full_name }",
            "      junk: { drop: true }",
            "      score: { type: integer }",
            "      note: { default: none }",
            "      added: { default: 5 }")[0];
        object?[] src = [1L, "a", "12", null]; // source columns: id, name, score, note (junk is not read)

        var row = Assert.Single(await Run(e, null, src));

        Assert.True(row.Ok);
        Assert.Same(src, row.Source);
        Assert.Equal([1L, "a", 12L, "none", 5L], row.Target!);
        Assert.Null(row.Code);
    }

    [Fact]
    public async Task TransformAsync_DefaultOnlyFillsNull()
    {
        var t = Table("t", [Col("id", pk: 1), Col("note", "TEXT")]);
        var e = Bind(Db(t), "  - table: t", "    columns: { note: { default: none } }")[0];

        var rows = await Run(e, null, [1L, "kept"], [2L, null]);

        Assert.Equal("kept", rows[0].Target![1]);
        Assert.Equal("none", rows[1].Target![1]);
    }

    [Fact]
    public async Task TransformAsync_CastFails_RowRefusedWithCastFailed()
    {
        var t = Table("t", [Col("id", pk: 1), Col("score", "TEXT")]);
        var e = Bind(Db(t), "  - table: t", "    columns: { score: { type: integer } }")[0];

        var rows = await Run(e, null, [1L, "12.5"], [2L, "3"]);

        AssertRefused(rows[0], ErrorCodes.CastFailed);
        Assert.Equal("score: '12.5' is not a whole number (cast to integer)", rows[0].Message);
        Assert.True(rows[1].Ok); // one bad row does not spoil the batch
    }

    [Fact]
    public async Task TransformAsync_RowidKey_CopiesRowidFirst()
    {
        var e = Bind(Db(Table("logs", [Col("msg", "TEXT")])), "  - table: logs")[0];

        var row = Assert.Single(await Run(e, null, [7L, "x"]));

        Assert.Equal([7L, "x"], row.Target!);
    }

    [Fact]
    public async Task TransformAsync_RekeyedKey_ReplacedByMappedId()
    {
        var e = Bind(Db(Sessions, Messages), RekeyPlan)[0];
        var ids = new FakeIdStore().Map("sessions", 1L, U1);

        var rows = await Run(e, ids, [1L], [2L]);

        Assert.Equal([U1], rows[0].Target!);
        AssertRefused(rows[1], ErrorCodes.RekeyFailed);
    }

    [Fact]
    public async Task TransformAsync_ForeignKeyToRekeyedParent_MapsUnmappedAndNull()
    {
        var e = Bind(Db(Sessions, Messages), RekeyPlan)[1];
        var ids = new FakeIdStore().Map("sessions", 1L, U1);

        var rows = await Run(e, ids, [10L, 1L], [11L, 2L], [12L, null]);

        Assert.Equal([10L, U1], rows[0].Target!);
        AssertRefused(rows[1], ErrorCodes.ForeignKeyUnmapped);
        Assert.Equal("session_id = 2 matches no row of sessions; fix the orphan or set on_error: skip", rows[1].Message);
        Assert.Equal([12L, null], rows[2].Target!);
        // One lookup for the batch, asking only for the non-null parent keys.
        var lookup = Assert.Single(ids.Lookups);
        Assert.Equal("sessions", lookup.Entity);
        Assert.Equal([1L, 2L], lookup.Keys.Cast<long>().Order());
    }

    [Fact]
    public async Task TransformAsync_NoIdStore_ForeignKeyUnmappedButNullAllowed()
    {
        var e = Bind(Db(Sessions, Messages), RekeyPlan)[1];

        var rows = await Run(e, null, [10L, 1L], [12L, null]);

        AssertRefused(rows[0], ErrorCodes.ForeignKeyUnmapped);
        Assert.Equal([12L, null], rows[1].Target!);
    }

    [Fact]
    public async Task TransformAsync_StringParentKey_LookedUpByValue()
    {
        var parent = Table("p", [Col("code", "TEXT", pk: 1)]);
        var child = Table("c", [Col("id", pk: 1), Col("p_code", "TEXT")]);
        var e = Bind(Db(parent, child), "  - table: p", "    key: code", "    rekey: { to: ulid }", "  - table: c", "    references: { p_code: p }")[1];
        var ids = new FakeIdStore().Map("p", "abc", U1);

        var row = Assert.Single(await Run(e, ids, [1L, "abc"]));

        Assert.Equal([1L, U1], row.Target!);
    }

    // 'a', a lone continuation byte, 'b': not valid UTF-8.
    private static readonly byte[] BadUtf8 = [0x61, 0xFF, 0x62];

    private static async Task<TransformedRow> TransformRaw(string policy)
    {
        var t = Table("t", [Col("id", pk: 1), Col("body", "TEXT")]);
        var e = Bind(Db(t), "  - table: t", $"    columns: {{ body: {{ invalid_utf8: {policy} }} }}")[0];
        return Assert.Single(await Run(e, null, [1L, new RawText(BadUtf8)]));
    }

    [Fact]
    public async Task TransformAsync_InvalidUtf8Keep_StaysRawText()
    {
        var row = await TransformRaw("keep");

        Assert.Equal(new RawText(BadUtf8), Assert.IsType<RawText>(row.Target![1]));
    }

    [Fact]
    public async Task TransformAsync_InvalidUtf8Replace_BecomesStringWithReplacementChar()
    {
        var row = await TransformRaw("replace");

        Assert.Equal("a\uFFFDb", row.Target![1]);
    }

    [Fact]
    public async Task TransformAsync_InvalidUtf8Blob_BecomesTheSameBytes()
    {
        var row = await TransformRaw("blob");

        Assert.Equal(BadUtf8, Assert.IsType<byte[]>(row.Target![1]));
    }

    [Fact]
    public async Task TransformAsync_InvalidUtf8Reject_RowRefused()
    {
        var row = await TransformRaw("reject");

        AssertRefused(row, ErrorCodes.InvalidUtf8);
        Assert.Contains("body", row.Message, StringComparison.Ordinal);
    }
}

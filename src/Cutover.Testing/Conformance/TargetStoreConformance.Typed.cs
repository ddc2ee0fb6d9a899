using Cutover.Connectors;
using Cutover.Schema;
using Cutover.Values;
using Cutover.Verification;

namespace Cutover.Testing.Conformance;

/// <summary>
/// Typed values (timestamps, dates, JSON, booleans, decimals): every store gives back exactly what its
/// <see cref="ITargetStore.AsStored"/> says, so verification's two sides always hold the same kinds.
/// </summary>
public abstract partial class TargetStoreConformance
{
    private TargetTable TypedTable() => new("typed",
    [
        new TargetColumn("k", DeclaredType(ValueKind.Integer), true, null),
        new TargetColumn("at", "DATETIME", false, null) { Kind = ColumnKind.Timestamp },
        new TargetColumn("day", "DATE", false, null) { Kind = ColumnKind.Date },
        new TargetColumn("doc", "JSON", false, null) { Kind = ColumnKind.Json },
        new TargetColumn("flag", "BOOLEAN", false, null) { Kind = ColumnKind.Boolean },
        new TargetColumn("price", "DECIMAL(10,2)", false, null),
    ], ["k"], KeyIsRowid: false, WithoutRowid: false, AutoIncrement: false, ForeignKeys: [], Indexes: []);

    private static object?[][] TypedRows()
    {
        _ = Timestamp.TryParseIso("2024-05-01T14:34:56.123456+02:00", out var at, out _);
        _ = Timestamp.TryParseIso("1969-07-20 20:17:40", out var moon, out _);
        return
        [
            [1L, at, new Date(8886), Json.Parse("{\"b\": [1, 2.50], \"a\": \"é\"}"), 1L, 12.5],
            [2L, moon, new Date(-11000), Json.Parse("7"), 0L, 3L],
            [3L, Timestamp.Infinity, Date.MinusInfinity, Json.Parse("[]"), null, 0.1],
            [4L, null, null, null, null, null],
        ];
    }

    [Fact]
    public async Task WriteBatch_TypedValues_ReadBackAsAsStoredSays()
    {
        var table = TypedTable();
        var target = await CreatedTargetAsync(table);
        var rows = TypedRows();

        var result = await target.WriteBatchAsync(table, rows, WriteMode.Insert, false, CancellationToken.None);
        var back = await ReadAllAsync(target, Request(table));

        Assert.Equal(rows.Length, result.Written);
        Assert.Equal(rows.Length, back.Count);
        var expected = new TableChecksum();
        var actual = new TableChecksum();
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(target.AsStored(table, rows[i]), back[i]);
            expected.Add(target.AsStored(table, rows[i]));
            actual.Add(back[i]);
        }
        Assert.Equal(expected.Hex, actual.Hex);
    }

    [Fact]
    public async Task WriteBatch_TypedValuesReplayedAsUpsert_SameRows()
    {
        var table = TypedTable();
        var target = await CreatedTargetAsync(table);
        var rows = TypedRows();
        await target.WriteBatchAsync(table, rows, WriteMode.Insert, false, CancellationToken.None);

        var again = await target.WriteBatchAsync(table, rows, WriteMode.Upsert, false, CancellationToken.None);

        Assert.Empty(again.Failures);
        var back = await ReadAllAsync(target, Request(table));
        Assert.Equal(rows.Select(r => target.AsStored(table, r)), back);
    }
}

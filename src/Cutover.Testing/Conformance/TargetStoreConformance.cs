using Cutover.Connectors;
using Cutover.Schema;
using Cutover.Values;

namespace Cutover.Testing.Conformance;

/// <summary>
/// Behaviour every connector must share, written only against <see cref="ISourceStore"/> and <see cref="ITargetStore"/>.
/// A connector's test class derives from this and supplies the factory; engine-specific SQL stays in the subclass.
/// </summary>
public abstract partial class TargetStoreConformance : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _stores = [];

    /// <summary>The declared column type the engine uses for values of <paramref name="kind"/>.</summary>
    protected abstract string DeclaredType(ValueKind kind);

    /// <summary>A target that does not exist yet, opened for writing.</summary>
    protected abstract Task<ITargetStore> CreateEmptyTargetCoreAsync();

    /// <summary>A new source built by running <paramref name="seed"/> with raw SQL, then opened read-only as a source.</summary>
    protected abstract Task<ISourceStore> CreateSourceCoreAsync(SourceSeed seed);

    /// <summary>Releases engine resources (files, databases) after the stores are disposed.</summary>
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _stores)
        {
            await s.DisposeAsync();
        }
        await CleanupAsync();
    }

    protected async Task<ITargetStore> CreateEmptyTargetAsync()
    {
        var store = await CreateEmptyTargetCoreAsync();
        _stores.Add(store);
        return store;
    }

    /// <summary>A source holding one table <paramref name="table"/> with the given columns, key and rows.</summary>
    protected async Task<ISourceStore> CreateSourceAsync(string table, IReadOnlyList<ColumnSpec> columns, IReadOnlyList<string> key, IReadOnlyList<object?[]> rows)
    {
        var seed = new SourceSeed([CreateTableSql(table, columns, key)], table, columns.Select(c => c.Name).ToList(), rows);
        var store = await CreateSourceCoreAsync(seed);
        _stores.Add(store);
        return store;
    }

    /// <summary>Standard SQL both SQLite and PostgreSQL accept; a key-less table has no PRIMARY KEY (so it can hold NULL and duplicate keys).</summary>
    protected string CreateTableSql(string table, IReadOnlyList<ColumnSpec> columns, IReadOnlyList<string> key)
    {
        var cols = columns.Select(c => $"{Quote(c.Name)} {DeclaredType(c.Kind)}").ToList();
        if (key.Count > 0)
        {
            cols.Add($"PRIMARY KEY ({string.Join(", ", key.Select(Quote))})");
        }
        return $"CREATE TABLE {Quote(table)} ({string.Join(", ", cols)})";
    }

    protected static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    protected TargetTable Table(string name, IReadOnlyList<ColumnSpec> columns, params string[] key) => new(
        name,
        columns.Select(c => new TargetColumn(c.Name, DeclaredType(c.Kind), key.Contains(c.Name), null)).ToList(),
        key,
        KeyIsRowid: false,
        WithoutRowid: false,
        AutoIncrement: false,
        ForeignKeys: [],
        Indexes: []);

    protected static ReadRequest Request(TargetTable t, IReadOnlyList<object?>? after = null, IReadOnlyList<IReadOnlyList<object?>>? keys = null) =>
        new(t.Name, t.Columns.Select(c => c.Name).ToList(), t.Key, false, after, keys);

    protected static async Task<List<object?[]>> ReadAllAsync(ISourceStore store, ReadRequest request)
    {
        var rows = new List<object?[]>();
        await foreach (var row in store.ReadAsync(request, CancellationToken.None))
        {
            rows.Add(row);
        }
        return rows;
    }

    protected async Task<ITargetStore> CreatedTargetAsync(TargetTable table)
    {
        var target = await CreateEmptyTargetAsync();
        await target.CreateTableAsync(table, replace: false, CancellationToken.None);
        return target;
    }

    protected static readonly IReadOnlyList<ColumnSpec> KeyValueColumns = [new("k", ValueKind.Integer), new("v", ValueKind.Text)];

    protected static readonly IReadOnlyList<ColumnSpec> AllKindsColumns =
    [
        new("k", ValueKind.Integer), new("i", ValueKind.Integer), new("r", ValueKind.Real), new("t", ValueKind.Text), new("b", ValueKind.Blob),
    ];

    [Fact]
    public async Task WriteBatch_EveryStorageClass_ReadsBackSameValuesInKeyOrder()
    {
        var table = Table("kinds", AllKindsColumns, "k");
        var target = await CreatedTargetAsync(table);
        object?[][] rows =
        [
            [3L, long.MaxValue, 0.1 + 0.2, "Grüße, 日本語, emoji 🎉🧪", new byte[] { 0x00, 0xFF, 0x10, 0x00 }],
            [1L, long.MinValue, double.Epsilon, "", Array.Empty<byte>()],
            [2L, null, null, null, null],
            [4L, 0L, -1.5e300, "line\nbreak\ttab 'quote' \"dq\" \\ backslash", new byte[] { 1, 2, 3 }],
        ];

        var result = await target.WriteBatchAsync(table, rows, WriteMode.Insert, stopOnFirstFailure: false, CancellationToken.None);
        var back = await ReadAllAsync(target, Request(table));

        Assert.Equal(4, result.Written);
        Assert.Empty(result.Failures);
        Assert.Equal([1L, 2L, 3L, 4L], back.Select(r => r[0]));
        foreach (var expected in rows)
        {
            var actual = back.Single(r => Equals(r[0], expected[0]));
            for (var i = 0; i < expected.Length; i++)
            {
                AssertSameValue(expected[i], actual[i]);
            }
        }
    }

    [Fact]
    public async Task WriteBatch_DoubleSum_KeepsExactBits()
    {
        var table = Table("reals", [new("k", ValueKind.Integer), new("r", ValueKind.Real)], "k");
        var target = await CreatedTargetAsync(table);
        var sum = 0.1 + 0.2;

        await target.WriteBatchAsync(table, [[1L, sum], [2L, 0.3]], WriteMode.Insert, false, CancellationToken.None);
        var back = await ReadAllAsync(target, Request(table));

        Assert.Equal(BitConverter.DoubleToInt64Bits(sum), BitConverter.DoubleToInt64Bits(Assert.IsType<double>(back[0][1])));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.3), BitConverter.DoubleToInt64Bits(Assert.IsType<double>(back[1][1])));
        Assert.NotEqual(back[0][1], back[1][1]);
    }

    [Fact]
    public async Task TableExistsAsync_BeforeAndAfterCreate_ReflectsTable()
    {
        var table = Table("present", KeyValueColumns, "k");
        var target = await CreateEmptyTargetAsync();

        var before = await target.TableExistsAsync("present", CancellationToken.None);
        await target.CreateTableAsync(table, replace: false, CancellationToken.None);

        Assert.False(before);
        Assert.True(await target.TableExistsAsync("present", CancellationToken.None));
        Assert.False(await target.TableExistsAsync("absent", CancellationToken.None));
    }

    [Fact]
    public async Task CountAsync_AfterWrites_CountsRows()
    {
        var table = Table("counted", KeyValueColumns, "k");
        var target = await CreatedTargetAsync(table);

        var empty = await target.CountAsync("counted", CancellationToken.None);
        await target.WriteBatchAsync(table, Enumerable.Range(1, 37).Select(i => new object?[] { (long)i, "v" + i }).ToList(), WriteMode.Insert, false, CancellationToken.None);

        Assert.Equal(0, empty);
        Assert.Equal(37, await target.CountAsync("counted", CancellationToken.None));
    }

    [Fact]
    public async Task CreateTableAsync_Replace_DropsExistingRows()
    {
        var table = Table("replaced", KeyValueColumns, "k");
        var target = await CreatedTargetAsync(table);
        await target.WriteBatchAsync(table, [[1L, "a"]], WriteMode.Insert, false, CancellationToken.None);

        await target.CreateTableAsync(table, replace: true, CancellationToken.None);

        Assert.Equal(0, await target.CountAsync("replaced", CancellationToken.None));
    }

    /// <summary>Same kind and same content; doubles compared bit for bit.</summary>
    protected static void AssertSameValue(object? expected, object? actual) => ValueAssert.Same(expected, actual);
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Unicode;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Schema;
using Cutover.Sqlite.Internal;
using Cutover.Transform;
using Cutover.Values;
using Microsoft.Data.Sqlite;

namespace Cutover.Sqlite;

/// <summary>A SQLite file as a source or a target. Sources are opened read-only, so Cutover cannot change them.</summary>
internal sealed partial class SqliteStore : ITargetStore, IBackupCapable
{
    private readonly string _role;
    private readonly bool _readOnly;
    private SqliteConnection? _conn;
    private string? _journalToRestore;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<TargetTable, bool[]> _realColumns = new();

    public SqliteStore(string path, string role, bool readOnly)
    {
        FilePath = path;
        _role = role;
        _readOnly = readOnly;
        Exists = File.Exists(path);
        // A target that does not exist yet is created on the first write, so a run that stops in
        // preflight leaves nothing behind, and the backup phase sees that there was nothing to back up.
        if (Exists)
        {
            _conn = SqliteConnections.Open(path, readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite, role);
        }
    }

    public string FilePath { get; }

    public string Display => "sqlite:" + FilePath;

    /// <inheritdoc />
    public bool ParallelWrites => false;

    public bool Exists { get; }

    private SqliteConnection Conn => _conn ?? throw new CutoverException(
        _role == "source" ? ErrorCodes.SourceUnreachable : ErrorCodes.TargetUnreachable, $"{_role} {FilePath} does not exist");

    private SqliteConnection WriteConn
    {
        get
        {
            EnsureWritable();
            if (_journalToRestore is null)
            {
                _conn ??= SqliteConnections.Open(FilePath, SqliteOpenMode.ReadWriteCreate, _role);
                // Load in WAL mode (commits without a checkpoint fsync), and give the file its own mode back when done.
                _journalToRestore = SqliteJournal.Get(_conn);
                SqliteJournal.TrySet(_conn, "WAL");
            }
            return _conn!;
        }
    }

    public Task<DatabaseSchema> InspectAsync(CancellationToken ct) =>
        Task.FromResult(_conn is null ? new DatabaseSchema([], []) : SqliteInspector.Inspect(_conn));

    public Task<long> CountAsync(string table, CancellationToken ct)
    {
        if (_conn is null)
        {
            return Task.FromResult(0L);
        }
        using var cmd = Conn.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {SqliteSql.Quote(table)}";
        return Task.FromResult((long)cmd.ExecuteScalar()!);
    }

    public async IAsyncEnumerable<object?[]> ReadAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        if (_conn is null)
        {
            yield break;
        }
        var keyExprs = request.Key.Select(k => SqliteSql.KeyExpr(k, request.KeyIsRowid)).ToList();
        var select = SelectList(request);
        var order = string.Join(", ", keyExprs);
        if (request.Keys is not null)
        {
            foreach (var chunk in request.Keys.Chunk(200))
            {
                using var cmd = Conn.CreateCommand();
                var where = SqliteSql.InKeys(keyExprs, cmd, chunk);
                cmd.CommandText = $"SELECT {select} FROM {SqliteSql.Quote(request.Table)} WHERE {where} ORDER BY {order}";
                foreach (var row in ReadAll(cmd, request.Columns.Count))
                {
                    yield return row;
                }
            }
            yield break;
        }
        // Keyset pages: each page is its own short statement, so a live source is never held in one long read.
        var keyIdx = request.Key.Select(k => IndexOf(request.Columns, k)).ToArray();
        IReadOnlyList<object?>? after = request.After;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            using var cmd = Conn.CreateCommand();
            var where = SqliteSql.KeyRange(keyExprs, cmd, after, request.Until, request.Nulls);
            // Rows with a NULL key part cannot page (nothing sorts after NULL): they are read in one statement.
            var paged = request.Nulls != KeyNulls.Only;
            cmd.CommandText = $"SELECT {select} FROM {SqliteSql.Quote(request.Table)}{where} ORDER BY {order}{(paged ? $" LIMIT {ReadPage}" : "")}";
            var n = 0;
            object?[]? last = null;
            foreach (var row in ReadAll(cmd, request.Columns.Count))
            {
                n++;
                last = row;
                yield return row;
            }
            if (!paged || n < ReadPage || last is null)
            {
                yield break;
            }
            after = keyIdx.Select(i => last[i]).ToArray();
            await Task.Yield();
        }
    }

    public Task<object?[]?> KeyAtAsync(string table, IReadOnlyList<string> key, bool keyIsRowid, long offset, bool fromEnd, CancellationToken ct)
    {
        if (_conn is null)
        {
            return Task.FromResult<object?[]?>(null);
        }
        var keyExprs = key.Select(k => SqliteSql.KeyExpr(k, keyIsRowid)).ToList();
        using var cmd = Conn.CreateCommand();
        cmd.CommandText = $"SELECT {string.Join(", ", keyExprs)} FROM {SqliteSql.Quote(table)} ORDER BY {string.Join(", ", keyExprs.Select(k => fromEnd ? k + " DESC" : k))} LIMIT 1 OFFSET {offset}";
        return Task.FromResult(ReadAll(cmd, key.Count).FirstOrDefault());
    }

    /// <summary>Rows per keyset page of a read.</summary>
    private const int ReadPage = 10_000;

    private static int IndexOf(IReadOnlyList<string> columns, string name) => IndexIn(columns, name) is var i and >= 0
        ? i
        : throw new CutoverException(ErrorCodes.ColumnNotFound, $"key column '{name}' is not among the columns read");

    private static IEnumerable<object?[]> ReadAll(SqliteCommand cmd, int width)
    {
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var row = new object?[width];
            for (var i = 0; i < width; i++)
            {
                row[i] = ReadValue(r, i);
            }
            yield return row;
        }
    }

    /// <summary>Reads one value by its storage class. TEXT that is not valid UTF-8 comes back as <see cref="RawText"/>.</summary>
    internal static object? ReadValue(SqliteDataReader r, int i)
    {
        var v = r.GetValue(i);
        if (v is string s)
        {
            // U+FFFD means the driver may have repaired bad bytes; look at the real ones.
            if (s.Contains('\uFFFD', StringComparison.Ordinal))
            {
                var bytes = r.GetFieldValue<byte[]>(i);
                if (!Utf8.IsValid(bytes))
                {
                    return new RawText(bytes);
                }
            }
            return s;
        }
        return v is DBNull ? null : v;
    }

    public Task<(long NullKeys, long DuplicateKeys)> CheckKeysAsync(string table, IReadOnlyList<string> key, bool keyIsRowid, CancellationToken ct)
    {
        if (keyIsRowid)
        {
            return Task.FromResult((0L, 0L));
        }
        var q = SqliteSql.Quote(table);
        using var cmd = Conn.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {q} WHERE {string.Join(" OR ", key.Select(k => SqliteSql.Quote(k) + " IS NULL"))}";
        var nulls = (long)cmd.ExecuteScalar()!;
        cmd.CommandText = $"SELECT COUNT(*) FROM (SELECT 1 FROM {q} GROUP BY {SqliteSql.QuoteList(key)} HAVING COUNT(*) > 1)";
        var dups = (long)cmd.ExecuteScalar()!;
        return Task.FromResult((nulls, dups));
    }

    public Task<long> SizeBytesAsync(CancellationToken ct) => Task.FromResult(File.Exists(FilePath) ? new FileInfo(FilePath).Length : 0L);

    public Task<long?> FreeBytesAsync(CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(FilePath))!;
        return Task.FromResult<long?>(Directory.Exists(dir) ? new DriveInfo(dir).AvailableFreeSpace : null);
    }

    public Task<object?> ScalarAsync(string sql, CancellationToken ct)
    {
        // Inside a transaction that is never committed: a user's check query cannot change the data it checks.
        using var tx = Conn.BeginTransaction(deferred: true);
        using var cmd = Conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() && r.FieldCount > 0 ? ReadValue(r, 0) : null);
    }

    public Task CheckWritableAsync(CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(FilePath))!;
        if (!Directory.Exists(dir))
        {
            throw new CutoverException(ErrorCodes.TargetNotWritable, $"target folder {dir} does not exist; create it or change target:");
        }
        var probe = Path.Combine(dir, $".cutover-write-probe-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CutoverException(ErrorCodes.TargetNotWritable, $"target folder {dir} is not writable: {ex.Message}");
        }
        if (Exists && (File.GetAttributes(FilePath) & FileAttributes.ReadOnly) != 0)
        {
            throw new CutoverException(ErrorCodes.TargetNotWritable, $"target {FilePath} is read-only");
        }
        return Task.CompletedTask;
    }

    public Task<bool> TableExistsAsync(string table, CancellationToken ct)
    {
        if (_conn is null)
        {
            return Task.FromResult(false);
        }
        using var cmd = Conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = @n";
        cmd.Parameters.AddWithValue("@n", table);
        return Task.FromResult((long)cmd.ExecuteScalar()! > 0);
    }

    public string DescribeCreate(TargetTable table) => SqliteDdl.CreateTable(table);

    public Task CreateTableAsync(TargetTable table, bool replace, CancellationToken ct)
    {
        using var tx = WriteConn.BeginTransaction();
        using var cmd = WriteConn.CreateCommand();
        cmd.Transaction = tx;
        if (replace)
        {
            cmd.CommandText = $"DROP TABLE IF EXISTS {SqliteSql.Quote(table.Name)}";
            cmd.ExecuteNonQuery();
        }
        cmd.CommandText = SqliteDdl.CreateTable(table);
        cmd.ExecuteNonQuery();
        tx.Commit();
        return Task.CompletedTask;
    }

    /// <summary>Nothing: SQLite declares foreign keys in CREATE TABLE (loads run with them unenforced).</summary>
    public Task CreateForeignKeysAsync(TargetTable table, CancellationToken ct) => Task.CompletedTask;

    public Task CreateIndexesAsync(TargetTable table, CancellationToken ct)
    {
        foreach (var sql in SqliteDdl.CreateIndexes(table))
        {
            using var cmd = WriteConn.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }

    public Task<WriteResult> WriteBatchAsync(TargetTable table, IReadOnlyList<object?[]> rows, WriteMode mode, bool stopOnFirstFailure, CancellationToken ct)
    {
        return Task.FromResult(SqliteBatchWriter.Write(WriteConn, table, rows, mode, stopOnFirstFailure));
    }

    public Task<long> CountForeignKeyViolationsAsync(string table, CancellationToken ct)
    {
        if (_conn is null)
        {
            return Task.FromResult(0L);
        }
        using var cmd = Conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM pragma_foreign_key_check(@t)";
        cmd.Parameters.AddWithValue("@t", table);
        try
        {
            return Task.FromResult((long)cmd.ExecuteScalar()!);
        }
        catch (SqliteException ex)
        {
            // "foreign key mismatch": the key points at parent columns without a unique index, so SQLite cannot check it.
            throw new CutoverException(ErrorCodes.UnsupportedSchema, $"foreign keys of {table} cannot be checked: {ex.Message.Split('\n')[0]}");
        }
    }

    public Task DeleteKeysAsync(TargetTable table, IReadOnlyList<IReadOnlyList<object?>> keys, CancellationToken ct)
    {
        DeleteKeys(WriteConn, null, table, keys);
        return Task.CompletedTask;
    }

    private static void DeleteKeys(SqliteConnection conn, SqliteTransaction? tx, TargetTable table, IReadOnlyList<IReadOnlyList<object?>> keys)
    {
        var keyExprs = table.Key.Select(k => SqliteSql.KeyExpr(k, table.KeyIsRowid)).ToList();
        foreach (var chunk in keys.Chunk(200))
        {
            using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"DELETE FROM {SqliteSql.Quote(table.Name)} WHERE {SqliteSql.InKeys(keyExprs, cmd, chunk)}";
            cmd.ExecuteNonQuery();
        }
    }

    public async Task FinishTableAsync(TargetTable table, ISourceStore source, string sourceTable, CancellationToken ct)
    {
        if (!table.AutoIncrement)
        {
            return;
        }
        // Keep AUTOINCREMENT's promise: new ids continue after the highest one the source ever handed out.
        var seq = await source.ScalarAsync($"SELECT seq FROM sqlite_sequence WHERE name = {SqliteSql.Literal(sourceTable)}", ct).ConfigureAwait(false);
        if (seq is long value)
        {
            using var cmd = WriteConn.CreateCommand();
            cmd.CommandText = "UPDATE sqlite_sequence SET seq = MAX(seq, @v) WHERE name = @n";
            cmd.Parameters.AddWithValue("@v", value);
            cmd.Parameters.AddWithValue("@n", table.Name);
            if (cmd.ExecuteNonQuery() == 0)
            {
                cmd.CommandText = "INSERT INTO sqlite_sequence(name, seq) VALUES (@n, @v)";
                cmd.ExecuteNonQuery();
            }
        }
    }

    /// <summary>
    /// Typed values come back as the text they are stored as, and -0.0 in a column with REAL affinity as 0.0 (SQLite keeps
    /// such a REAL without a fraction as an integer on disk, which has no sign); everything else as written.
    /// </summary>
    public object?[] AsStored(TargetTable table, object?[] row)
    {
        var real = RealColumns(table);
        object?[]? copy = null;
        for (var i = 0; i < row.Length; i++)
        {
            var v = row[i];
            if (v is Timestamp or Date or Json or Numeric)
            {
                copy ??= (object?[])row.Clone();
                copy[i] = Value.Untyped(v);
            }
            else if (v is double d && d == 0 && double.IsNegative(d) && i < real.Length && real[i])
            {
                copy ??= (object?[])row.Clone();
                copy[i] = 0.0;
            }
        }
        return copy ?? row;
    }

    /// <summary>What <see cref="AsStored"/> changes: typed values anywhere, -0.0 in a column with REAL affinity.</summary>
    public bool KeepsAsStored(TargetTable table, int index, ValueKinds kinds)
    {
        var real = RealColumns(table);
        return index >= 0 && index < real.Length && (kinds & ValueKinds.Typed) == 0 && !(real[index] && kinds.HasFlag(ValueKinds.NegativeZero));
    }

    /// <summary>Which columns of a row of <paramref name="table"/> (the rowid first for a rowid table) have REAL affinity.</summary>
    private bool[] RealColumns(TargetTable table) => _realColumns.GetValue(table, t => (t.KeyIsRowid ? [false] : Array.Empty<bool>())
        .Concat(t.Columns.Select(c => AffinityRules.Of(SqliteTypes.DeclaredType(c)) == Affinity.Real)).ToArray());

    private void CloseWriter()
    {
        if (_journalToRestore is not null && _conn is not null)
        {
            SqliteJournal.TrySet(_conn, _journalToRestore);
        }
        _journalToRestore = null;
    }

    private void EnsureWritable()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException($"{_role} was opened read-only; this is a bug in Cutover");
        }
    }

    public ValueTask DisposeAsync()
    {
        CloseWriter();
        _conn?.Dispose();
        _conn = null;
        return ValueTask.CompletedTask;
    }
}

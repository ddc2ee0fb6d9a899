using Cutover.Capture;
using Cutover.PostgreSql.Tests.Server;
using Cutover.Values;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Capture;

/// <summary>Reading: order, typed values, key changes, whole transactions, the queue.</summary>
public abstract partial class CaptureTestBase
{
    private const string ManyDigits = "123456789012345678901234567890.123456789012345678901234567890";
    private const string Uuid = "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11";
    private static readonly byte[] Bytes = [0, 1, 2, 0x5c, 0x27, 255];
    private const string Unicode = "héllo 🌍 \"quoted\" \\ 'single' \t tab";

    [Fact]
    public async Task Read_InsertsUpdatesAndDeletes_ArriveInOrderWithExactTypedValues()
    {
        await Sql(TypedDdl);
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([Typed], None);
        var before = DateTimeOffset.UtcNow;
        await using (var conn = await ConnectAsync())
        {
            await InsertTypedAsync(conn, 1, int.MaxValue, ManyDigits, 0.1 + 0.2, Unicode, Bytes, true, "2024-05-01 12:34:56.123456+00", "2024-02-29", """{"b": [1, 2.50], "a": "é"}""", Uuid);
            await InsertTypedAsync(conn, 2, null, null, null, null, null, null, null, null, null, null);
            await InsertTypedAsync(conn, 3, int.MinValue, "-0.000000000000000000000000000001", -0.0, "", [], false, "infinity", "-infinity", "null", null);
            await InsertTypedAsync(conn, 4, 0, "NaN", double.Epsilon, "x", null, null, "0044-03-15 12:00:00+00 BC", "5874897-12-31", "[]", null);
        }
        var stored = await RowsAsync(await SourceAsync(), "t", Typed.Columns, Typed.Key);
        await Sql("UPDATE t SET s = 'changed' WHERE id = 1", "DELETE FROM t WHERE id = 2");

        var batch = await capture.ReadAsync(100, None);

        Assert.Equal([ChangeKind.Insert, ChangeKind.Insert, ChangeKind.Insert, ChangeKind.Insert, ChangeKind.Update, ChangeKind.Delete], batch.Changes.Select(c => c.Kind));
        Assert.All(batch.Changes, c => Assert.Equal("t", c.Table));
        Assert.Equal(batch.Changes.Select(c => c.Seq).Order(), batch.Changes.Select(c => c.Seq));
        Assert.Equal(batch.Changes.Count, batch.Changes.Select(c => c.Seq).Distinct().Count());
        Assert.Equal(6, batch.Transactions);
        Assert.All(batch.Changes, c => Assert.InRange(c.At, before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1)));
        // Exactly what a copy reads from the table (the store's own reader), value for value and kind for kind...
        for (var r = 0; r < 4; r++)
        {
            AssertSameValues(stored[r], batch.Changes[r].Row);
        }
        // ...and what PostgreSQL holds.
        var one = batch.Changes[0].Row;
        Assert.Equal(1L, one[0]);
        Assert.Equal((long)int.MaxValue, one[1]);
        Assert.Equal(ManyDigits, Assert.IsType<Numeric>(one[2]).Text);
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.1 + 0.2), BitConverter.DoubleToInt64Bits(Assert.IsType<double>(one[3])));
        Assert.Equal(Unicode, one[4]);
        Assert.Equal(Bytes, one[5]);
        Assert.Equal(1L, one[6]);
        Assert.Equal(Iso("2024-05-01T12:34:56.123456Z"), one[7]);
        Assert.Equal(new Date(8825), one[8]);
        Assert.Equal(Json.Parse("""{"a": "é", "b": [1, 2.50]}"""), one[9]);
        Assert.Equal(Uuid.ToLowerInvariant(), one[10]);
        Assert.Equal<object?>([2L, null, null, null, null, null, null, null, null, null, null], batch.Changes[1].Row);
        var three = batch.Changes[2].Row;
        Assert.Equal((long)int.MinValue, three[1]);
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits((double)three[3]!));
        Assert.Equal(Array.Empty<byte>(), three[5]);
        Assert.Equal(0L, three[6]);
        Assert.Equal(Timestamp.Infinity, three[7]);
        Assert.Equal(Date.MinusInfinity, three[8]);
        var four = batch.Changes[3].Row;
        Assert.Equal("NaN", Assert.IsType<Numeric>(four[2]).Canonical);
        Assert.Equal(BitConverter.DoubleToInt64Bits(double.Epsilon), BitConverter.DoubleToInt64Bits((double)four[3]!));
        Assert.Equal("-0043-03-15T12:00:00.000000Z", four[7]!.ToString());
        // The update carries the new row; the delete at least the key.
        var updated = (object?[])stored[0].Clone();
        updated[4] = "changed";
        AssertSameValues(updated, batch.Changes[4].Row);
        Assert.Equal(2L, batch.Changes[5].Row[0]);
    }

    private static void AssertSameValues(object?[] expected, object?[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i]?.GetType(), actual[i]?.GetType());
            if (expected[i] is double d)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits((double)actual[i]!));
            }
            else
            {
                Assert.Equal(expected[i], actual[i]);
            }
        }
    }

    [Fact]
    public async Task Read_UpdateThatChangesTheKey_IsADeleteOfTheOldKeyThenAnInsertOfTheNew()
    {
        await Sql("CREATE TABLE k (a int, b text, v text, PRIMARY KEY (a, b))", "INSERT INTO k VALUES (1, 'x', 'first')");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("k", ["a", "b", "v"], ["a", "b"], false)], None);

        await Sql("UPDATE k SET b = 'y', v = 'moved' WHERE a = 1", "UPDATE k SET v = 'kept key' WHERE a = 1");
        var changes = (await capture.ReadAsync(100, None)).Changes;

        Assert.Equal([ChangeKind.Delete, ChangeKind.Insert, ChangeKind.Update], changes.Select(c => c.Kind));
        Assert.Equal<object?>([1L, "x"], changes[0].Row[..2]);
        Assert.Equal<object?>([1L, "y", "moved"], changes[1].Row);
        Assert.Equal<object?>([1L, "y", "kept key"], changes[2].Row);
        Assert.Equal(changes[0].Tx, changes[1].Tx);
        Assert.NotEqual(changes[1].Tx, changes[2].Tx);
    }

    [Fact]
    public async Task Read_APartitionedTable_ArrivesUnderItsOwnName_AndARowMovingPartitionIsADeleteThenAnInsert()
    {
        await Sql(
            "CREATE TABLE p (id int, region text, v text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
            "CREATE TABLE p_eu PARTITION OF p FOR VALUES IN ('eu')",
            "CREATE TABLE p_us PARTITION OF p FOR VALUES IN ('us')");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("p", ["id", "region", "v"], ["id", "region"], false)], None);

        await Sql("INSERT INTO p VALUES (1, 'eu', 'a'), (2, 'us', 'b')", "UPDATE p SET region = 'us' WHERE id = 1");
        var changes = (await DrainAsync(capture)).SelectMany(b => b.Changes).ToList();

        Assert.All(changes, c => Assert.Equal("p", c.Table));
        Assert.Equal([ChangeKind.Insert, ChangeKind.Insert, ChangeKind.Delete, ChangeKind.Insert], changes.Select(c => c.Kind));
        Assert.Equal<object?>([1L, "eu"], changes[2].Row[..2]);
        Assert.Equal<object?>([1L, "us", "a"], changes[3].Row);
    }

    [Fact]
    public async Task Read_ATransactionAcrossTwoTables_IsNeverSplit_EvenWithMaxChangesOne()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)", "CREATE TABLE b (id int PRIMARY KEY, v text)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("a", ["id", "v"], ["id"], false), new CaptureTable("b", ["id", "v"], ["id"], false)], None);
        await using (var conn = await ConnectAsync())
        {
            await using var tx = await conn.BeginTransactionAsync();
            await ExecAsync(conn, "INSERT INTO a VALUES (1, 'a1')", tx);
            await ExecAsync(conn, "INSERT INTO b VALUES (1, 'b1')", tx);
            await ExecAsync(conn, "UPDATE a SET v = 'a1 again' WHERE id = 1", tx);
            await tx.CommitAsync();
        }
        await Sql("INSERT INTO b VALUES (2, 'b2')");

        var first = await capture.ReadAsync(1, None);
        var again = await capture.ReadAsync(1, None);
        await capture.AcknowledgeAsync(first, None);
        var second = await capture.ReadAsync(1, None);
        await capture.AcknowledgeAsync(second, None);
        var third = await capture.ReadAsync(1, None);

        Assert.Equal(1, first.Transactions);
        Assert.Equal([("a", 1), ("b", 1), ("a", 1)], first.Changes.Select(c => (c.Table, (int)(long)c.Row[0]!)));
        Assert.Single(first.Changes.Select(c => c.Tx).Distinct());
        Assert.Equal(first.Changes.Select(c => c.Row[1]), again.Changes.Select(c => c.Row[1]));
        Assert.Equal([("b", 2L)], second.Changes.Select(c => (c.Table, (long)c.Row[0]!)));
        Assert.Empty(third.Changes);
    }

    [Fact]
    public async Task Read_TwoTransactionsCommittedInTheOppositeOrderOfTheirFirstWrites_BothArrive()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("a", ["id", "v"], ["id"], false)], None);
        await using var first = await ConnectAsync();
        await using var second = await ConnectAsync();
        await using var early = await first.BeginTransactionAsync();
        await ExecAsync(first, "INSERT INTO a VALUES (1, 'written first, committed last')", early);
        await using var late = await second.BeginTransactionAsync();
        await ExecAsync(second, "INSERT INTO a VALUES (2, 'written last, committed first')", late);
        await late.CommitAsync();

        var batches = await DrainAsync(capture);
        await early.CommitAsync();
        batches.AddRange(await DrainAsync(capture));

        var ids = batches.SelectMany(b => b.Changes).Select(c => (long)c.Row[0]!).ToList();
        Assert.Equal([2L, 1L], ids);
    }

    [Fact]
    public async Task Acknowledge_RemovesExactlyTheBatch_AndWhatIsNotAcknowledgedIsReadAgain()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("a", ["id", "v"], ["id"], false)], None);
        await Sql("INSERT INTO a VALUES (1, 'one')", "INSERT INTO a VALUES (2, 'two')");

        var read = await capture.ReadAsync(1, None);
        var reread = await capture.ReadAsync(1, None);
        await capture.AcknowledgeAsync(read, None);
        await capture.AcknowledgeAsync(read, None); // twice is harmless
        await Sql("INSERT INTO a VALUES (3, 'three')");
        var rest = await capture.ReadAsync(100, None);
        await capture.AcknowledgeAsync(rest, None);
        var none = await capture.ReadAsync(100, None);

        Assert.Equal([1L], read.Changes.Select(c => (long)c.Row[0]!));
        Assert.Equal([1L], reread.Changes.Select(c => (long)c.Row[0]!));
        Assert.Equal([2L, 3L], rest.Changes.Select(c => (long)c.Row[0]!));
        Assert.Empty(none.Changes);
        Assert.Equal(0, none.Transactions);
    }

    [Fact]
    public async Task Read_RolledBackWrites_AreNotCaptured()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([new CaptureTable("a", ["id", "v"], ["id"], false)], None);
        await using (var conn = await ConnectAsync())
        {
            await using (var tx = await conn.BeginTransactionAsync())
            {
                await ExecAsync(conn, "INSERT INTO a VALUES (1, 'rolled back')", tx);
                await tx.RollbackAsync();
            }
            await using (var tx = await conn.BeginTransactionAsync())
            {
                await ExecAsync(conn, "INSERT INTO a VALUES (2, 'kept')", tx);
                await tx.SaveAsync("s");
                await ExecAsync(conn, "INSERT INTO a VALUES (3, 'rolled back to the savepoint')", tx);
                await tx.RollbackAsync("s");
                await tx.CommitAsync();
            }
        }

        var changes = (await DrainAsync(capture)).SelectMany(b => b.Changes).ToList();

        Assert.Equal([2L], changes.Select(c => (long)c.Row[0]!));
    }

    [Fact]
    public async Task Status_ReportsWhatIsPendingAndWhenTheOldestWasRecorded()
    {
        await Sql("CREATE TABLE a (id int PRIMARY KEY, v text)");
        var capture = await OpenCaptureAsync();
        var nothing = await capture.StatusAsync(None);
        await capture.StartAsync([new CaptureTable("a", ["id", "v"], ["id"], false)], None);
        var started = await capture.StatusAsync(None);
        var before = DateTimeOffset.UtcNow;
        await Sql("INSERT INTO a VALUES (1, 'one')", "INSERT INTO a VALUES (2, 'two'); UPDATE a SET v = 'uno' WHERE id = 1");

        var pending = await capture.StatusAsync(None);
        await DrainAsync(capture);
        var drained = await capture.StatusAsync(None);

        Assert.Equal(CaptureStatus.NotInstalled(Mode), nothing);
        Assert.True(started.Guarded);
        Assert.True(started.Capturing);
        Assert.False(started.Frozen);
        Assert.Equal(0, started.Pending);
        Assert.Null(started.OldestAt);
        Assert.Equal(3, pending.Pending);
        Assert.InRange(pending.OldestAt!.Value, before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(Mode, pending.Mode);
        Assert.Equal(0, drained.Pending);
        Assert.Null(drained.OldestAt);
    }

    [Fact]
    public async Task Start_MissingTable_FailsWithTableNotFoundNamingIt()
    {
        var capture = await OpenCaptureAsync();

        var ex = await Assert.ThrowsAsync<Errors.CutoverException>(() => capture.StartAsync([new CaptureTable("no_such_table", ["id"], ["id"], false)], None));

        Assert.Equal(Errors.ErrorCodes.TableNotFound, ex.Code);
        Assert.Contains("no_such_table", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Databases.Password, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AServerThatIsNotThere_FailsTransientSourceUnreachable_WithoutThePassword()
    {
        var uri = System.Text.RegularExpressions.Regex.Replace(DatabaseUri, @":\d+/", ":1/");
        await using var capture = await Provider.OpenCaptureAsync(uri, ".", Mode, PlanName, None);

        var ex = await Assert.ThrowsAsync<Errors.CutoverException>(() => capture.StartAsync([new CaptureTable("t", ["id"], ["id"], false)], None));

        Assert.Equal(Errors.ErrorCodes.SourceUnreachable, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.Contains("***", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Databases.Password, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(Databases.Password), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Twice_InstallsOnce_AndEachWriteIsCapturedOnce()
    {
        await Sql("CREATE TABLE \"Odd \"\"Name\"\"\" (\"Id\" int PRIMARY KEY, \"Value Col\" text)");
        var capture = await OpenCaptureAsync();
        var table = new CaptureTable("Odd \"Name\"", ["Id", "Value Col"], ["Id"], false);
        await capture.StartAsync([table], None);
        await capture.StartAsync([table], None);
        await using (var again = await Provider.OpenCaptureAsync(DatabaseUri, ".", Mode, PlanName, None))
        {
            await again.StartAsync([table], None);
        }

        await Sql("INSERT INTO \"Odd \"\"Name\"\"\" VALUES (1, 'once')");
        var changes = (await DrainAsync(capture)).SelectMany(b => b.Changes).ToList();

        var change = Assert.Single(changes);
        Assert.Equal("Odd \"Name\"", change.Table);
        Assert.Equal<object?>([1L, "once"], change.Row);
        Assert.Equal(1L, await TestDatabases.ScalarAsync(DatabaseUri,
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = '\"Odd \"\"Name\"\"\"'::regclass AND tgname = '_cutover_freeze'"));
    }
}

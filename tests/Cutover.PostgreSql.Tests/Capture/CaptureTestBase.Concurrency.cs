using System.Diagnostics;
using Cutover.Capture;
using Cutover.Connectors;
using Cutover.PostgreSql.Tests.Server;
using Cutover.Schema;
using Npgsql;

namespace Cutover.PostgreSql.Tests.Capture;

/// <summary>An application writing while capture is read and acknowledged: replaying every batch reproduces the source.</summary>
public abstract partial class CaptureTestBase
{
    private const int Writes = 2000;

    private static readonly CaptureTable Parent = new("parent", ["id", "name", "amount", "at"], ["id"], false);
    private static readonly CaptureTable Child = new("child", ["id", "parent_id", "weight", "doc", "tag"], ["id"], false);

    private static readonly TargetTable ParentTarget = new("parent",
        [
            new TargetColumn("id", "bigint", true, null) { Kind = ColumnKind.Integer },
            new TargetColumn("name", "text", false, null) { Kind = ColumnKind.Text },
            new TargetColumn("amount", "numeric", false, null) { Kind = ColumnKind.Numeric },
            new TargetColumn("at", "timestamp with time zone", false, null) { Kind = ColumnKind.Timestamp },
        ],
        ["id"], false, false, false, [], []);

    private static readonly TargetTable ChildTarget = new("child",
        [
            new TargetColumn("id", "bigint", true, null) { Kind = ColumnKind.Integer },
            new TargetColumn("parent_id", "bigint", true, null) { Kind = ColumnKind.Integer },
            new TargetColumn("weight", "double precision", false, null) { Kind = ColumnKind.Real },
            new TargetColumn("doc", "jsonb", false, null) { Kind = ColumnKind.Json },
            new TargetColumn("tag", "uuid", false, null) { Kind = ColumnKind.Other },
        ],
        ["id"], false, false, false, [new ForeignKeySchema(["parent_id"], "parent", ["id"])], []);

    [Fact]
    public async Task ConcurrentApplicationWrites_WhileReadingAndAcknowledging_LoseNothing_ReplayEqualsTheSource()
    {
        await Sql(
            "CREATE TABLE parent (id bigint PRIMARY KEY, name text, amount numeric, at timestamptz)",
            "CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES parent (id), weight float8, doc jsonb, tag uuid)");
        var capture = await OpenCaptureAsync();
        await capture.StartAsync([Parent, Child], None);
        var replicaUri = await Databases.CreateAsync();
        var replica = Track(await Provider.OpenTargetAsync(replicaUri, ".", false, None));
        foreach (var t in new[] { ParentTarget, ChildTarget })
        {
            await replica.CreateTableAsync(t, false, None);
        }
        await replica.CreateForeignKeysAsync(ChildTarget, None);

        var clock = Stopwatch.StartNew();
        var writer = Task.WhenAll(Task.Run(() => WriteAsync(1, 0)), Task.Run(() => WriteAsync(2, 1_000_000)));
        var batches = 0;
        var changes = 0;
        while (true)
        {
            var done = writer.IsCompleted;
            var batch = await capture.ReadAsync(100, None);
            if (batch.Changes.Count > 0)
            {
                await replica.ApplyAsync(Collapse(batch.Changes, (ParentTarget, Parent), (ChildTarget, Child)), None);
                await capture.AcknowledgeAsync(batch, None);
                batches++;
                changes += batch.Changes.Count;
            }
            else if (done)
            {
                break;
            }
        }
        await writer; // surfaces the writer's own failure, if any
        clock.Stop();

        var source = await SourceAsync();
        foreach (var (t, c) in new[] { (ParentTarget, Parent), (ChildTarget, Child) })
        {
            var expected = await RowsAsync(source, c.Table, c.Columns, c.Key);
            var actual = await RowsAsync(replica, c.Table, c.Columns, c.Key);
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Count, actual.Count);
            for (var r = 0; r < expected.Count; r++)
            {
                AssertSameValues(expected[r], actual[r]);
            }
        }
        Assert.True(changes >= Writes / 2, $"{changes} changes in {batches} batches");
        Assert.Equal(0, (await capture.StatusAsync(None)).Pending);
    }

    /// <summary>
    /// Half of the 2,000 writes, on its own connection and keys (two writers run at once, so their transactions interleave),
    /// in transactions of one to five statements: parents and children inserted, updated, re-keyed and deleted (children
    /// before their parent, as the foreign key demands), one transaction in twenty rolled back.
    /// </summary>
    private async Task WriteAsync(int seed, long keys)
    {
        var random = new Random(seed);
        await using var conn = await ConnectAsync();
        var parents = new List<long>();
        var children = new List<(long Id, long Parent)>();
        long nextParent = keys + 1, nextChild = keys + 1;
        var written = 0;
        while (written < Writes / 2)
        {
            await using var tx = await conn.BeginTransactionAsync();
            var statements = random.Next(1, 6);
            var rollback = random.Next(20) == 0;
            var addedParents = new List<long>();
            var addedChildren = new List<(long, long)>();
            var removedParents = new List<long>();
            var removedChildren = new List<(long, long)>();
            for (var s = 0; s < statements; s++, written++)
            {
                await using var cmd = new NpgsqlCommand("", conn, tx);
                var live = parents.Except(removedParents).Concat(addedParents).ToList();
                var liveChildren = children.Except(removedChildren).Concat(addedChildren).ToList();
                switch (random.Next(8))
                {
                    case 0 or 1 or 2 when live.Count < 3 || random.Next(2) == 0:
                        var p = nextParent++;
                        cmd.CommandText = "INSERT INTO parent VALUES (@id, @n, @a::numeric, clock_timestamp())";
                        cmd.Parameters.AddWithValue("id", p);
                        cmd.Parameters.AddWithValue("n", $"parent {p} é");
                        cmd.Parameters.AddWithValue("a", $"{random.Next()}.{random.Next():D9}");
                        addedParents.Add(p);
                        break;
                    case 3 or 4 when live.Count > 0:
                        var c = nextChild++;
                        var parent = live[random.Next(live.Count)];
                        cmd.CommandText = "INSERT INTO child VALUES (@id, @p, @w, @d::jsonb, gen_random_uuid())";
                        cmd.Parameters.AddWithValue("id", c);
                        cmd.Parameters.AddWithValue("p", parent);
                        cmd.Parameters.AddWithValue("w", random.NextDouble() * Math.Pow(10, random.Next(-5, 5)));
                        cmd.Parameters.AddWithValue("d", $$"""{"n": {{c}}, "tags": ["a", "b"]}""");
                        addedChildren.Add((c, parent));
                        break;
                    case 5 when liveChildren.Count > 0:
                        var (child, _) = liveChildren[random.Next(liveChildren.Count)];
                        cmd.CommandText = "UPDATE child SET weight = weight * 2, doc = jsonb_set(doc, '{n}', '0') WHERE id = @id";
                        cmd.Parameters.AddWithValue("id", child);
                        break;
                    case 6 when live.Count > 0:
                        // A key change half the time: children follow by deleting first (no ON UPDATE CASCADE).
                        var old = live[random.Next(live.Count)];
                        if (liveChildren.Any(x => x.Item2 == old) || random.Next(2) == 0)
                        {
                            cmd.CommandText = "UPDATE parent SET amount = amount + 1, name = name || '+' WHERE id = @id";
                            cmd.Parameters.AddWithValue("id", old);
                        }
                        else
                        {
                            var moved = nextParent++;
                            cmd.CommandText = "UPDATE parent SET id = @new WHERE id = @id";
                            cmd.Parameters.AddWithValue("id", old);
                            cmd.Parameters.AddWithValue("new", moved);
                            if (addedParents.Remove(old) is false)
                            {
                                removedParents.Add(old);
                            }
                            addedParents.Add(moved);
                        }
                        break;
                    default:
                        if (live.Count == 0)
                        {
                            cmd.CommandText = "SELECT 1";
                            break;
                        }
                        var gone = live[random.Next(live.Count)];
                        cmd.CommandText = "DELETE FROM child WHERE parent_id = @id; DELETE FROM parent WHERE id = @id";
                        cmd.Parameters.AddWithValue("id", gone);
                        foreach (var x in liveChildren.Where(x => x.Item2 == gone))
                        {
                            if (!addedChildren.Remove(x))
                            {
                                removedChildren.Add(x);
                            }
                        }
                        if (!addedParents.Remove(gone))
                        {
                            removedParents.Add(gone);
                        }
                        break;
                }
                await cmd.ExecuteNonQueryAsync();
            }
            if (rollback)
            {
                await tx.RollbackAsync();
                continue;
            }
            await tx.CommitAsync();
            parents = parents.Except(removedParents).Concat(addedParents).ToList();
            children = children.Except(removedChildren).Concat(addedChildren).ToList();
        }
    }
}
